package org.iommufdsim.backend.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.iommufdsim.backend.intel.IntelIommuAccel.PasidCacheInvType;
import org.junit.jupiter.api.Test;

/**
 * Proves that every fallible point of the VT-d accelerated attach (fault queue, fcntl, S1 HWPT,
 * PASID attach) and of a replacement, failed with fail-nth, leaves the kernel exactly as before
 * (no leaked fault object, fd or HWPT) and the port's cache consistent, and that teardown has no
 * fallible point. One exception, the kernel's: when VFIO cannot copy {@code pt_id} back after a
 * successful replace, it detaches the device altogether ({@code vfio_df_ioctl_attach_pt}'s
 * {@code out_detach}), so the device is left attached to nothing while QEMU, which treats a
 * failed attach as "the old attachment stays", still believes it is on its old HWPT.
 */
class VtdAccelFailNthTest {
  private static final long FSPT = 0x1234_5000L;

  /** Runs {@code step} on a fresh world with fail-nth armed at 1, 2, ... until nothing fires. */
  private List<String> sweep(Consumer<VtdSim> setup, Consumer<VtdSim> step,
      Consumer<VtdSim> onSuccess, java.util.function.BiConsumer<VtdSim, String> onFailure) {
    List<String> fired = new ArrayList<>();
    for (int n = 1; n < 100; n++) {
      VtdSim sim = new VtdSim();
      sim.beforeEach(null);
      setup.accept(sim);
      sim.mark();
      String before = sim.host.stateDump();
      sim.proc.failNth(n);
      step.accept(sim);
      long remaining = sim.proc.failNthRemaining();
      sim.proc.failNth(0);
      assertThat(sim.host.checkInvariants()).as("invariants, n=" + n).isEmpty();
      if (remaining != 0) {
        onSuccess.accept(sim);
        return fired;
      }
      String at = injected(sim);
      fired.add(at);
      onFailure.accept(sim, before);
    }
    throw new AssertionError("fail-nth never stopped firing");
  }

  /** The failed call (request + errno) after the fail-nth marker. */
  private static String injected(VtdSim sim) {
    for (String c : sim.requests()) {
      if (c.matches(".* E[A-Z]+$")) {
        return c;
      }
    }
    return "(inside a call that did not fail)";
  }

  private static void fst(VtdSim sim, long fspt) {
    sim.guest.setPasidEntry(0, GuestVtd.PasidEntry.fst(3, fspt));
    sim.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
  }

  @Test
  void attach_everyFailure_leavesNothingBehind() {
    List<String> fired = sweep(s -> { }, s -> fst(s, FSPT),
        s -> assertThat(s.vtdHiod.pasidCacheList.get(0).fsHwptId).isEqualTo(5),
        (s, before) -> {
          assertThat(s.host.stateDump()).as(injected(s)).isEqualTo(expectedAfter(s, before));
          VTDAccelPASIDCacheEntry pce = s.vtdHiod.pasidCacheList.get(0);
          assertThat(pce.fsHwptId).isZero();
          assertThat(pce.faultFd).isEqualTo(-1);
          assertThat(s.accel.fdHandlers()).isEmpty();
          assertThat(s.stderr()).singleElement().asString()
              .startsWith("Attaching to HWPT failed: ");
        });
    assertThat(fired).isNotEmpty().allSatisfy(f -> assertThat(f).doesNotStartWith("(inside"));
    // fcntl(F_GETFL/F_SETFL) allocates nothing: its two error branches cannot be injected
    assertThat(fired).containsExactly("ioctl IOMMU_FAULT_QUEUE_ALLOC ENOMEM",
        "ioctl IOMMU_FAULT_QUEUE_ALLOC ENOMEM", "ioctl IOMMU_FAULT_QUEUE_ALLOC ENOMEM",
        "ioctl IOMMU_FAULT_QUEUE_ALLOC EFAULT", "ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "ioctl IOMMU_HWPT_ALLOC ENOMEM", "ioctl IOMMU_HWPT_ALLOC EFAULT",
        "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM",
        "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT EFAULT");
  }

  /**
   * The state a failed step should leave: {@code before}, except after a failed copy-back of
   * the replace, where the kernel detached the device: it no longer holds its HWPT (one user
   * fewer each) nor reserves its IOAPIC window in the IOAS.
   */
  private static String expectedAfter(VtdSim s, String before) {
    if (!injected(s).equals("ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT EFAULT")) {
      return before;
    }
    String attachedTo = before.contains("HWPT_NESTED") ? "HWPT_NESTED" : "HWPT_PAGING";
    return before.replace("DEVICE users=3", "DEVICE users=2")
        .replace("    reserved 0xfee00000-0xfeefffff by DEVICE#1\n", "")
        .replace(attachedTo + " users=2", attachedTo + " users=1");
  }

  @Test
  void replace_everyFailureBeforeTheSwitch_keepsTheOldAttachment() {
    sweep(s -> fst(s, FSPT), s -> fst(s, FSPT + 0x1000),
        s -> assertThat(s.vtdHiod.pasidCacheList.get(0).fsHwptId).isEqualTo(7),
        (s, before) -> {
          assertThat(s.host.stateDump()).as(injected(s)).isEqualTo(expectedAfter(s, before));
          VTDAccelPASIDCacheEntry pce = s.vtdHiod.pasidCacheList.get(0);
          assertThat(pce.fsHwptId).isEqualTo(5);
          assertThat(pce.faultFd).isEqualTo(5);
          assertThat(s.accel.fdHandlers()).containsExactly(5);
          assertThat(s.stderr()).singleElement().asString()
              .startsWith("Replacing HWPT attachment failed: ");
        });
  }

  @Test
  void teardown_hasNoFallibleKernelPoint_andAlwaysFreesEverything() {
    // VFIO_DEVICE_DETACH_IOMMUFD_PT, IOMMU_DESTROY and close() allocate nothing in v7.0, so
    // fail-nth never fires; QEMU's "Detaching from HWPT failed: " branch (which drops the cache
    // entry and leaves the S1 HWPT and fault queue to the iommufd's release) is unreachable here.
    List<String> fired = sweep(s -> fst(s, FSPT), s -> {
      s.guest.clearPasidEntry(0);
      s.accel.vtdAccelPasidCacheSync(PasidCacheInvType.GLOBAL, 0, 0);
    }, s -> {
      assertThat(s.host.stateDump()).doesNotContain("FAULT").doesNotContain("HWPT_NESTED");
      assertThat(s.vtdHiod.pasidCacheList).isEmpty();
      assertThat(s.stderr()).isEmpty();
    }, (s, before) -> { });
    assertThat(fired).isEmpty();
  }
}
