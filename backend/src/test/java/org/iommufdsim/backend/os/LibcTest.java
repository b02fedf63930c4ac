package org.iommufdsim.backend.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The libc layer behaves like C's: {@code -1} plus a sticky {@code errno}, locals that live in
 * user memory for exactly one frame and start zeroed, a heap that never reuses memory, and no
 * system call for any of it after the single start-up mapping.
 */
class LibcTest {
  private Host host;
  private Syscalls proc;
  private Libc libc;

  @BeforeEach
  void setUp() {
    host = Host.create();
    proc = host.spawn();
    libc = new Libc(proc);
  }

  @AfterEach
  void kernelInvariantsHold() {
    assertThat(host.checkInvariants()).isEmpty();
  }

  @Test
  void start_mapsOneArenaAndNothingElse() {
    assertThat(host.trace()).hasSize(1);
    assertThat(host.trace().getFirst()).contains("mmap(0x0, 0x40800000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0x0)");
  }

  @Test
  void failedCall_setsErrno_successfulCallLeavesIt() {
    assertThat(libc.close(42)).isEqualTo(-1);
    assertThat(libc.errno()).isEqualTo(9);

    int fd = libc.open("/dev/iommu");
    assertThat(fd).isEqualTo(3);
    assertThat(libc.errno()).isEqualTo(9);
    assertThat(libc.open("/dev/nonexistent")).isEqualTo(-1);
    assertThat(libc.errno()).isEqualTo(2);
  }

  @Test
  void ioctl_struct_isWrittenAndReadBackInUserMemory() {
    int fd = libc.open("/dev/iommu");
    try (Frame f = libc.frame()) {
      UStruct alloc = f.local(IommufdUapi.iommu_ioas_alloc);
      alloc.set("size", alloc.size());

      assertThat(libc.ioctl(fd, IommufdUapi.IOMMU_IOAS_ALLOC, alloc)).isZero();

      assertThat(alloc.get("out_ioas_id")).isEqualTo(1);
      assertThat(libc.memory().load32(alloc.addr() + 8)).isEqualTo(1);
    }
  }

  @Test
  void ioctl_wrongStruct_isABugInTheCaller() {
    try (Frame f = libc.frame()) {
      UStruct s = f.local(IommufdUapi.iommu_destroy);
      assertThatThrownBy(() -> libc.ioctl(3, IommufdUapi.IOMMU_IOAS_ALLOC, s))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("takes struct iommu_ioas_alloc, not iommu_destroy");
    }
  }

  @Test
  void frames_popAndStartZeroed() {
    long first;
    try (Frame f = libc.frame()) {
      UStruct s = f.local(IommufdUapi.iommu_destroy);
      s.set("id", 77);
      first = s.addr();
      try (Frame inner = libc.frame()) {
        assertThat(inner.alloca(8)).isGreaterThan(first);
      }
    }
    try (Frame f = libc.frame()) {
      UStruct again = f.local(IommufdUapi.iommu_destroy);
      assertThat(again.addr()).isEqualTo(first);
      assertThat(again.get("id")).isZero();
    }
    assertThat(host.trace()).hasSize(1);
  }

  @Test
  void frames_outOfOrderUse_isABug() {
    Frame outer = libc.frame();
    Frame inner = libc.frame();
    assertThatThrownBy(() -> outer.alloca(8)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class);
    inner.close();
    outer.close();
    assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void heap_isDeterministicAndNeverReused() {
    long a = libc.gMalloc0(10);
    long b = libc.gMalloc0(10);

    assertThat(b - a).isEqualTo(16);
    Libc other = new Libc(Host.create().spawn());
    assertThat(other.gMalloc0(10)).isEqualTo(a);
  }

  @Test
  void ustruct_signedFieldsAndWidthChecks() {
    try (Frame f = libc.frame()) {
      UStruct m = f.local(IommufdUapi.iommu_ioas_map_file);
      m.set("fd", -1);
      assertThat(m.get("fd")).isEqualTo(-1);
      assertThat(m.u32("fd")).isEqualTo(-1);
      assertThatThrownBy(() -> m.set("ioas_id", 1L << 32))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> m.set("nope", 1)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void strerror_glibcTexts() {
    assertThat(Strerror.strerror(2)).isEqualTo("No such file or directory");
    assertThat(Strerror.strerror(95)).isEqualTo("Operation not supported");
    assertThat(Strerror.strerror(16)).isEqualTo("Device or resource busy");
    assertThat(Strerror.strerror(4095)).isEqualTo("Unknown error 4095");
  }
}
