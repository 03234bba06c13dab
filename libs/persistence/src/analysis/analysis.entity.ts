import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn, timeColumn, UID_LENGTH } from '../columns';

export type AnalysisStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type AnalysisPriority = 'stat' | 'routine';

/** One run of an analysis on one series. Its inputKey makes identical input yield one analysis. */
@Entity('analysis')
export class AnalysisEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** sha256 of the analysis's identity (version, model version and checksum) and the sorted SOPInstanceUIDs analysed */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  inputKey: string;

  @Index()
  @Column({ type: 'varchar', length: UID_LENGTH })
  StudyInstanceUID: string;

  @Index()
  @Column({ type: 'varchar', length: UID_LENGTH })
  SeriesInstanceUID: string;

  /** the analysis that runs: `ctp`, a model id (an installed analysis's id) */
  @Column({ type: 'varchar', length: 64 })
  kind: string;

  /** its version when it was queued (Analysis.version) */
  @Column({ type: 'varchar', length: 64, nullable: true })
  analysisVersion: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  modelId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  modelVersion: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  modelSha256: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: AnalysisStatus;

  @Column({ type: 'varchar', length: 16 })
  priority: AnalysisPriority;

  @Column({ type: 'integer' })
  instanceCount: number;

  /** the analysis this one supersedes (re-run after late images) */
  @Column({ type: 'varchar', length: 36, nullable: true })
  supersedesId: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** tries cut off by the death of their worker (found `running` when tried again); bounded (issue 12) */
  @Column({ type: 'integer', default: 0 })
  interruptions: number;

  @Column(timeColumn())
  queuedAt: Date;

  @Column(timeColumn({ nullable: true }))
  startedAt: Date | null;

  @Column(timeColumn({ nullable: true }))
  finishedAt: Date | null;

  /** a study-level analysis's series and their roles; null: the one series SeriesInstanceUID */
  @Column(jsonColumn())
  inputSeries: { SeriesInstanceUID: string; role: string }[] | null;

  /** the contract's JSON (DESIGN.md) */
  @Column(jsonColumn())
  result: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
