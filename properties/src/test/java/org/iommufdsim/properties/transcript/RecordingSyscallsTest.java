package org.iommufdsim.properties.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.junit.jupiter.api.Test;

/**
 * The recorder passes every call on unchanged, keeps what rendering needs (the struct before
 * and after the call), and does not throw on bad pointers or wild lengths.
 */
class RecordingSyscallsTest {
  private final Host host = Host.create(HostConfig.defaults());
  private final RecordingSyscalls sys = new RecordingSyscalls(host.spawn());

  @Test
  void ioctl_recordsTheStructBeforeAndAfter_andReturnsTheKernelsAnswer() {
    int fd = (int) sys.open("/dev/iommu").value();
    long page = sys.mmap(0, 4096, 3, 0x22, -1, 0).value();
    CStruct s = IommufdUapi.iommu_ioas_alloc;
    byte[] b = s.newBuffer();
    s.field("size").set(b, s.size());
    sys.memory().store(page, b);

    SysResult r = sys.ioctl(fd, IommufdUapi.IOMMU_IOAS_ALLOC.request(), page);

    assertThat(r.isOk()).isTrue();
    Call.Ioctl c = (Call.Ioctl) sys.calls().getLast();
    assertThat(c.def()).isEqualTo(IommufdUapi.IOMMU_IOAS_ALLOC);
    assertThat(s.field("out_ioas_id").get(c.before())).isZero();
    assertThat(s.field("out_ioas_id").get(c.after()))
        .isEqualTo(s.field("out_ioas_id").get(sys.memory().load(page, s.size())))
        .isNotZero();
    assertThat(sys.calls()).extracting(x -> x.getClass().getSimpleName())
        .containsExactly("Open", "Mmap", "Ioctl");
  }

  @Test
  void badPointersAndWildLengths_areRecordedWithoutThrowing() {
    int fd = (int) sys.open("/dev/iommu").value();

    List<SysResult> results = List.of(
        sys.ioctl(fd, IommufdUapi.IOMMU_IOAS_ALLOC.request(), 0),
        sys.ioctl(fd, IommufdUapi.IOMMU_IOAS_ALLOC.request(), 0xffff_ffff_ffff_f000L),
        sys.ioctl(fd, 0x3b7f, -1),
        sys.read(fd, 0, Long.MAX_VALUE),
        sys.write(fd, 0x1000, Long.MAX_VALUE),
        sys.write(-1, -1, -1),
        sys.munmap(-1, -1),
        sys.mmap(0, -1, 3, 0x22, -1, 0));

    assertThat(results).allSatisfy(r -> assertThat(r.isOk()).isFalse());
    assertThat(results.getFirst().errno()).isEqualTo(Errno.EFAULT);
    assertThat(sys.calls()).hasSize(1 + results.size());
    Call.Ioctl first = (Call.Ioctl) sys.calls().get(1);
    assertThat(first.before()).isEmpty();
    assertThat(ScnTranscript.render("bad", host.config(), sys))
        .contains("$fd3: IOMMU_IOAS_ALLOC arg=0 -> EFAULT");
  }

  @Test
  void failNthRemaining_isNotRecorded() {
    sys.failNth(3);
    long left = sys.failNthRemaining();

    assertThat(left).isEqualTo(3);
    assertThat(sys.calls()).hasSize(1).first().isInstanceOf(Call.FailNth.class);
  }
}
