package org.iommufdsim.sim.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.Uapi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel selftest iommufd.cmd_length, for every iommufd ioctl: a size one short of the
 * minimum is EINVAL, a non-zero byte past the kernel's struct is E2BIG, and a zero byte past
 * it gives exactly what the plain struct gives.
 */
class CmdLengthTest {

  static Stream<IoctlDef> iommufdIoctls() {
    return Uapi.ioctls().stream().filter(d -> (d.request() >> 8) == ';' && d.nr() >= 0x80);
  }

  private static SysResult call(IoctlDef d, long size, int extra) {
    Cprog c = new Cprog();
    CStruct s = d.struct();
    byte[] b = new byte[s.size() + 1];
    s.field("size").set(b, size);
    b[s.size()] = (byte) extra;
    if (size < s.minSize()) {
      b[(int) size] = (byte) extra;
    }
    long addr = c.alloc(b.length);
    c.p.memory().store(addr, b);
    SysResult r = c.p.ioctl(c.iommufd, d.request(), addr);
    c.p.exit();
    assertThat(c.host.checkInvariants()).isEmpty();
    return r;
  }

  @ParameterizedTest
  @MethodSource("iommufdIoctls")
  void sizeRules(IoctlDef d) {
    CStruct s = d.struct();
    assertThat(call(d, s.minSize() - 1, 0xff).errno()).as("%s too short", d.name())
        .isEqualTo(org.iommufdsim.sim.uapi.Errno.EINVAL);
    assertThat(call(d, s.size() + 1, 0xff).errno()).as("%s non-zero tail", d.name())
        .isEqualTo(org.iommufdsim.sim.uapi.Errno.E2BIG);
    SysResult plain = call(d, s.size(), 0);
    SysResult longer = call(d, s.size() + 1, 0);
    assertThat(longer.errno()).as("%s zero tail behaves as the plain struct", d.name())
        .isEqualTo(plain.errno());
    assertThat(List.of(longer.value())).isEqualTo(List.of(plain.value()));
  }
}
