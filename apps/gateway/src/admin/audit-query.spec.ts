import { BadRequestException } from '@nestjs/common';
import { parseAuditQuery } from './audit-query';

describe(parseAuditQuery.name, () => {
  it('reads the filters of GET /api/audit', () => {
    expect(
      parseAuditQuery({
        from: '2030-01-01T00:00:00Z',
        action: 'study.read,alert.acknowledge',
        user: 'token:1',
        study: '1.2.3',
        patient: 'P1',
        outcome: '4',
        limit: '50',
      }),
    ).toEqual({
      from: new Date('2030-01-01T00:00:00Z'),
      to: undefined,
      actions: ['study.read', 'alert.acknowledge'],
      userId: 'token:1',
      StudyInstanceUID: '1.2.3',
      PatientID: 'P1',
      outcome: 4,
      limit: 50,
      before: undefined,
    });
  });

  it.each([{ action: 'study.peek' }, { outcome: '3' }, { limit: '0' }, { limit: '5000' }, { from: 'yesterday' }, { before: 'x' }, { user: ['a', 'b'] }])(
    'refuses %j with a 400 naming it',
    (q) => {
      expect(() => parseAuditQuery(q)).toThrow(BadRequestException);
    },
  );
});
