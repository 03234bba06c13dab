import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn, timeColumn, UID_LENGTH } from '../columns';

export type ReviewDecisionKind = 'accepted' | 'rejected' | 'corrected';

/** What a reviewer says the finding should have been: a number (with its unit) or a side. */
export interface ReviewCorrection {
  value?: number;
  unit?: string;
  side?: 'left' | 'right' | null;
}

/**
 * One reviewer's decision on one finding of one analysis run (issue 15). Rows are only added: a later decision
 * on the same finding is a new row, and the analysis's own result is never changed.
 */
@Entity('review')
export class ReviewEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ type: 'varchar', length: 36 })
  analysisId: string;

  @Index()
  @Column({ type: 'varchar', length: UID_LENGTH })
  StudyInstanceUID: string;

  @Column({ type: 'varchar', length: UID_LENGTH })
  SeriesInstanceUID: string;

  /** the analysis (`ctp`, a model id) and, for model monitoring, the producing model and its version */
  @Column({ type: 'varchar', length: 64 })
  kind: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  analysisVersion: string | null;

  @Index()
  @Column({ type: 'varchar', length: 64, nullable: true })
  modelId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  modelVersion: string | null;

  /** the finding reviewed: a view field's key (`coreVolumeMl`, `affectedHemisphere`, `findings.opacity.present`) */
  @Column({ type: 'varchar', length: 128 })
  findingKey: string;

  @Column({ type: 'varchar', length: 16 })
  decision: ReviewDecisionKind;

  /** the analysis's value when the decision was made (JSON) */
  @Column(jsonColumn())
  analysisValue: unknown;

  @Column(jsonColumn())
  correction: ReviewCorrection | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  /** the verified identity that decided: its subject and the name shown */
  @Column({ type: 'varchar', length: 256 })
  reviewer: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  reviewerName: string | null;

  @Column(timeColumn())
  reviewedAt: Date;
}
