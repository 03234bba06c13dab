import { AlertEntity } from './alert/alert.entity';
import { AnalysisEntity } from './analysis/analysis.entity';
import { AuditEventEntity } from './audit/audit-event.entity';
import { AckLinkUseEntity } from './auth/ack-link-use.entity';
import { ApiTokenEntity } from './auth/api-token.entity';
import { DeliveryAttemptEntity } from './delivery/delivery-attempt.entity';
import { DeliveryEntity } from './delivery/delivery.entity';
import { ResultObjectEntity } from './delivery/result-object.entity';
import { InitialSchema1764230400000 } from './migrations/1764230400000-initial-schema';
import { AlertClaim1764489600000 } from './migrations/1764489600000-alert-claim';
import { AnalysisIdentity1796083200000 } from './migrations/1796083200000-analysis-identity';
import { ApiToken1796169600000 } from './migrations/1796169600000-api-token';
import { AuditTrail1796169600001 } from './migrations/1796169600001-audit-trail';
import { AckLinkUse1796169600002 } from './migrations/1796169600002-ack-link-use';
import { DeliveryState1796256000000 } from './migrations/1796256000000-delivery-state';
import { InstanceReplacement1796256000001 } from './migrations/1796256000001-instance-replacement';
import { AnalysisInterruptions1796256000002 } from './migrations/1796256000002-analysis-interruptions';
import { Review1796515200000 } from './migrations/1796515200000-review';
import { ReviewAppendOnly1796515200100 } from './migrations/1796515200100-review-append-only';
import { PatientNameKeys1796601600000 } from './migrations/1796601600000-patient-name-keys';
import { AnalysisInputSeries1796688000000 } from './migrations/1796688000000-analysis-input-series';
import { ReviewEntity } from './review/review.entity';
import { InstanceEntity } from './study/instance.entity';
import { SeriesEntity } from './study/series.entity';
import { StudyEntity } from './study/study.entity';

export const ENTITIES = [
  StudyEntity,
  SeriesEntity,
  InstanceEntity,
  AnalysisEntity,
  ResultObjectEntity,
  DeliveryAttemptEntity,
  DeliveryEntity,
  AlertEntity,
  AuditEventEntity,
  ApiTokenEntity,
  AckLinkUseEntity,
  ReviewEntity,
];
export const MIGRATIONS = [
  InitialSchema1764230400000,
  AlertClaim1764489600000,
  AnalysisIdentity1796083200000,
  ApiToken1796169600000,
  AuditTrail1796169600001,
  AckLinkUse1796169600002,
  DeliveryState1796256000000,
  InstanceReplacement1796256000001,
  AnalysisInterruptions1796256000002,
  Review1796515200000,
  ReviewAppendOnly1796515200100,
  PatientNameKeys1796601600000,
  AnalysisInputSeries1796688000000,
];
