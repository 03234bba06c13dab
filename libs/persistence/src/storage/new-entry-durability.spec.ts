import { mountType } from './new-entry-durability';

const MOUNTINFO = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard',
  '25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683584k',
  '60 27 8:17 / /srv/nidus\\040data rw,relatime shared:1 - xfs /dev/sdb1 rw,attr2',
  '61 60 0:50 / /srv/nidus\\040data/scratch rw - tmpfs tmpfs rw',
].join('\n');

describe('mountType', () => {
  it('names the deepest mount holding the path, optional fields and escaped spaces read as proc(5) writes them', () => {
    expect(mountType(MOUNTINFO, '/var/lib/nidus/instances')).toBe('ext4');
    expect(mountType(MOUNTINFO, '/dev/shm/x')).toBe('tmpfs');
    expect(mountType(MOUNTINFO, '/srv/nidus data/instances/1.2')).toBe('xfs');
    expect(mountType(MOUNTINFO, '/srv/nidus data/scratch')).toBe('tmpfs');
    // a sibling whose name starts like the mount point is not inside it
    expect(mountType(MOUNTINFO, '/srv/nidus data2/x')).toBe('ext4');
    expect(mountType('', '/x')).toBeUndefined();
  });
});
