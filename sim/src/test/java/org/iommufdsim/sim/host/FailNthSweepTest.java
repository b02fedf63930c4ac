package org.iommufdsim.sim.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.iommufdsim.sim.uapi.Errno;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fail-nth sweep over each allocating ioctl: whichever fallible point fails, the object table,
 * the IOAS areas and the pin counts are exactly as before the call (except that a mapping ioctl
 * whose final copy-out fails keeps its mapping, as the kernel's does), and the sweep ends with
 * a run that reaches no injected point and succeeds.
 */
class FailNthSweepTest {
  private static final long PAGE = 4096;
  private static final long RW = 6;

  /**
   * Sets up state, then issues the call under test. {@code mapping}: true when a failed final
   * copy-out keeps the new areas (MAP, MAP_FILE, COPY), null when it keeps the whole change
   * (replace: the kernel does not undo a done replace when respond fails), false otherwise.
   */
  private record Case(Consumer<Cprog> setup, Function<Cprog, Cprog.Call> call, Boolean mapping) {}

  private static Case caseFor(String name) {
    return switch (name) {
      case "ioas_alloc" -> new Case(c -> { }, c -> c.ioctl("IOMMU_IOAS_ALLOC", Map.of()), false);
      case "map" -> new Case(c -> c.ioctl("IOMMU_IOAS_ALLOC", Map.of()),
          c -> c.ioctl("IOMMU_IOAS_MAP", Map.of("ioas_id", 1L, "flags", RW,
              "user_va", c.mmap(16 * PAGE), "length", 16 * PAGE)), true);
      case "map_file" -> new Case(c -> {
        c.ioctl("IOMMU_IOAS_ALLOC", Map.of());
        c.p.ftruncate((int) c.p.memfdCreate("m", 0).value(), 16 * PAGE);
      }, c -> c.ioctl("IOMMU_IOAS_MAP_FILE", Map.of("ioas_id", 1L, "flags", RW,
          "fd", 4L, "length", 16 * PAGE)), true);
      case "copy" -> new Case(c -> {
        c.ioctl("IOMMU_IOAS_ALLOC", Map.of());
        c.ioctl("IOMMU_IOAS_ALLOC", Map.of());
        long buf = c.mmap(16 * PAGE);
        c.ioctl("IOMMU_IOAS_MAP", Map.of("ioas_id", 1L, "flags", RW | 1, "user_va", buf,
            "length", 4 * PAGE, "iova", 0x100000L));
        c.ioctl("IOMMU_IOAS_MAP", Map.of("ioas_id", 1L, "flags", RW | 1,
            "user_va", buf + 4 * PAGE, "length", 4 * PAGE, "iova", 0x104000L));
      }, c -> c.ioctl("IOMMU_IOAS_COPY", Map.of("dst_ioas_id", 2L, "src_ioas_id", 1L,
          "flags", RW, "length", 6 * PAGE, "src_iova", 0x101000L)), true);
      case "allow_iovas" -> new Case(c -> c.ioctl("IOMMU_IOAS_ALLOC", Map.of()), c -> {
        long arr = c.alloc(48);
        c.p.memory().store64(arr, 0x10000);
        c.p.memory().store64(arr + 8, 0x1ffff);
        c.p.memory().store64(arr + 16, 0x40000);
        c.p.memory().store64(arr + 24, 0x4ffff);
        return c.ioctl("IOMMU_IOAS_ALLOW_IOVAS", Map.of("ioas_id", 1L, "num_iovas", 2L,
            "allowed_iovas", arr));
      }, false);
      case "add_reserved" -> new Case(c -> c.ioctl("IOMMU_IOAS_ALLOC", Map.of()),
          c -> c.test("IOMMU_TEST_OP_ADD_RESERVED", Map.of("id", 1L,
              "add_reserved.start", PAGE, "add_reserved.length", PAGE)), false);
      case "iova_ranges" -> new Case(c -> c.ioctl("IOMMU_IOAS_ALLOC", Map.of()),
          c -> c.ioctl("IOMMU_IOAS_IOVA_RANGES", Map.of("ioas_id", 1L, "num_iovas", 4L,
              "allowed_iovas", c.alloc(64))), false);
      case "mock_domain" -> new Case(c -> {
        c.ioctl("IOMMU_IOAS_ALLOC", Map.of());
        c.ioctl("IOMMU_IOAS_MAP", Map.of("ioas_id", 1L, "flags", RW | 1, "user_va",
            c.mmap(16 * PAGE), "length", 4 * PAGE, "iova", 0x1000000L));
      }, c -> c.test("IOMMU_TEST_OP_MOCK_DOMAIN", Map.of("id", 1L)), false);
      case "hwpt_nested_fault" -> new Case(FailNthSweepTest::nestingSetup, c -> {
        long data = c.alloc(8);
        c.p.memory().store(data, new byte[] {(byte) 0xef, (byte) 0xbe, (byte) 0xad, 0x0b});
        return c.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", 3L, "pt_id", 5L, "flags", 4L,
            "fault_id", 6L, "data_type", 0xdeadL, "data_len", 8L, "data_uptr", data));
      }, false);
      case "fault_alloc" -> new Case(c -> { }, c -> c.ioctl("IOMMU_FAULT_QUEUE_ALLOC",
          Map.of()), false);
      case "replace_to_new_ioas" -> new Case(c -> {
        nestingSetup(c);
        c.ioctl("IOMMU_IOAS_ALLOC", Map.of());
      }, c -> c.test("IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE", Map.of("id", 2L,
          "mock_domain_replace.pt_id", 7L)), null);
      case "viommu_stack" -> new Case(FailNthSweepTest::nestingSetup, c -> c.ioctl(
          "IOMMU_VIOMMU_ALLOC", Map.of("dev_id", 3L, "hwpt_id", 5L, "type", 0xdeadbeefL,
              "data_len", 24L, "data_uptr", c.alloc(24))), false);
      case "hw_queue" -> new Case(c -> {
        nestingSetup(c);
        c.ioctl("IOMMU_VIOMMU_ALLOC", Map.of("dev_id", 3L, "hwpt_id", 5L, "type", 0xdeadbeefL));
      }, c -> c.ioctl("IOMMU_HW_QUEUE_ALLOC", Map.of("viommu_id", 7L, "type", 0xdeadbeefL,
          "nesting_parent_iova", 0x1000000L, "length", PAGE)), false);
      case "fault_trigger" -> new Case(FailNthSweepTest::faultSetup, c -> {
        // TRIGGER_IOPF returns 0 whatever happens; an undeliverable fault is answered INVALID
        Cprog.Call t = c.test("IOMMU_TEST_OP_TRIGGER_IOPF", Map.of("trigger_iopf.dev_id", 3L,
            "trigger_iopf.pasid", 0L, "trigger_iopf.grpid", 2L, "trigger_iopf.perm", 3L,
            "trigger_iopf.addr", 0xdeadbeafL));
        boolean queued = (c.p.poll(4, 1).value() & 1) != 0;
        return queued ? t : new Cprog.Call(SysResult.err(org.iommufdsim.sim.uapi.Errno.ENOMEM,
            "the fault group could not be allocated"), t.struct(), t.after());
      }, false);
      case "fault_read" -> new Case(c -> {
        faultSetup(c);
        c.test("IOMMU_TEST_OP_TRIGGER_IOPF", Map.of("trigger_iopf.dev_id", 3L,
            "trigger_iopf.pasid", 0L, "trigger_iopf.grpid", 2L, "trigger_iopf.perm", 3L,
            "trigger_iopf.addr", 0xdeadbeafL));
      }, c -> {
        SysResult r = c.p.read(4, c.alloc(40), 40);
        return new Cprog.Call(r.isOk() && r.value() == 0
            ? SysResult.err(org.iommufdsim.sim.uapi.Errno.ENOMEM, "nothing read") : r,
            org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_pgfault, new byte[40]);
      }, false);
      case "vdevice" -> new Case(c -> {
        nestingSetup(c);
        c.ioctl("IOMMU_VIOMMU_ALLOC", Map.of("dev_id", 3L, "hwpt_id", 5L, "type", 0xdeadbeefL));
      }, c -> c.ioctl("IOMMU_VDEVICE_ALLOC", Map.of("viommu_id", 7L, "dev_id", 3L,
          "virt_id", 0x99L)), false);
      case "veventq" -> new Case(c -> {
        nestingSetup(c);
        c.ioctl("IOMMU_VIOMMU_ALLOC", Map.of("dev_id", 3L, "hwpt_id", 5L, "type", 0xdeadbeefL));
      }, c -> c.ioctl("IOMMU_VEVENTQ_ALLOC", Map.of("viommu_id", 7L, "type", 0xbeefbeefL,
          "veventq_depth", 2L)), false);
      case "create_access" -> new Case(FailNthSweepTest::nestingSetup,
          c -> c.test("IOMMU_TEST_OP_CREATE_ACCESS", Map.of("id", 1L,
              "create_access.flags", 1L)), false);
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** IOAS 1 with 4 pages mapped, mock device (stdev 2, idev 3, auto HWPT 4), nest parent 5, fault 6. */
  private static void nestingSetup(Cprog c) {
    c.ioctl("IOMMU_IOAS_ALLOC", Map.of());
    c.ioctl("IOMMU_IOAS_MAP", Map.of("ioas_id", 1L, "flags", RW | 1, "user_va",
        c.mmap(16 * PAGE), "length", 4 * PAGE, "iova", 0x1000000L));
    c.test("IOMMU_TEST_OP_MOCK_DOMAIN", Map.of("id", 1L));
    c.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", 3L, "pt_id", 1L, "flags", 1L));
    c.ioctl("IOMMU_FAULT_QUEUE_ALLOC", Map.of());
  }

  /** The nesting setup plus a fault-capable nested HWPT 7 the device (idev 3) is attached to. */
  private static void faultSetup(Cprog c) {
    nestingSetup(c);
    long data = c.alloc(8);
    c.p.memory().store(data, new byte[] {(byte) 0xef, (byte) 0xbe, (byte) 0xad, 0x0b});
    c.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", 3L, "pt_id", 5L, "flags", 4L,
        "fault_id", 6L, "data_type", 0xdeadL, "data_len", 8L, "data_uptr", data));
    c.test("IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE", Map.of("id", 2L,
        "mock_domain_replace.pt_id", 7L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ioas_alloc", "map", "map_file", "copy", "allow_iovas", "add_reserved",
      "iova_ranges", "mock_domain", "hwpt_nested_fault", "fault_alloc", "replace_to_new_ioas",
      "viommu_stack", "hw_queue", "create_access", "fault_trigger", "fault_read", "vdevice", "veventq"})
  void everyInjectedFailure_leavesTheStateAsItWas(String name) {
    Case tc = caseFor(name);
    int injected = 0;
    for (int n = 1; n < 200; n++) {
      Cprog c = new Cprog();
      tc.setup().accept(c);
      String before = c.host.stateDump();
      c.p.failNth(n);
      Cprog.Call r = tc.call().apply(c);
      boolean fired = c.p.failNthRemaining() == 0;
      c.p.failNth(0);
      assertThat(c.host.checkInvariants()).isEmpty();
      if (!fired) {
        assertThat(r.ok()).as("%s: the uninjected run succeeds (n=%d)", name, n).isTrue();
        assertThat(injected).as("%s reached at least one fallible point", name).isPositive();
        c.p.exit();
        assertThat(c.host.checkInvariants()).isEmpty();
        return;
      }
      injected++;
      assertThat(r.ok()).as("%s with fail-nth %d", name, n).isFalse();
      assertThat(r.errno()).isIn(Errno.ENOMEM, Errno.EFAULT);
      String after = c.host.stateDump();
      if (tc.mapping() == null && r.errno() == Errno.EFAULT) {
        assertThat(after).as("the change stays done, consistently").isNotEqualTo(before);
      } else if (Boolean.TRUE.equals(tc.mapping()) && r.errno() == Errno.EFAULT) {
        assertThat(objectsAndPins(after)).isEqualTo(objectsAndPins(before));
      } else {
        assertThat(after).as("%s with fail-nth %d", name, n).isEqualTo(before);
      }
      c.p.exit();
      assertThat(c.host.checkInvariants()).isEmpty();
    }
    throw new AssertionError(name + ": the sweep did not end");
  }

  /** The dump without area lines: what must not change even when the mapping stays. */
  private static String objectsAndPins(String dump) {
    return dump.lines().filter(l -> !l.trim().startsWith("area ")).reduce("", (a, b) -> a + b + "\n");
  }
}
