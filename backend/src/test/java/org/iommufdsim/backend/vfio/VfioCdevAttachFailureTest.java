package org.iommufdsim.backend.vfio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.backend.qemu.Errp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves that every unwind path of {@code iommufd_cdev_attach} leaks nothing: a failure is
 * injected with fail-nth at every fallible point the attach reaches (first device on a new
 * container, a device reusing the container's HWPT, a device that needs a second HWPT), and
 * afterwards the kernel state dump equals the one before, the invariants hold and QEMU's
 * container/HWPT lists are as before.
 */
class VfioCdevAttachFailureTest {
  @RegisterExtension final VfioSim sim = new VfioSim();

  /** One injection: the call that failed, and what the attach returned. */
  record Outcome(String failedCall, boolean attached, List<String> calls, List<String> traced,
      List<String> stderr, String error) {}

  private List<Outcome> injectEverywhere(String name) {
    List<Outcome> out = new ArrayList<>();
    String before = sim.host.stateDump();
    int containers = sim.space.containers.size();
    List<Integer> hwpts = sim.space.containers.stream().map(c -> c.hwptList.size()).toList();
    for (int n = 1; n < 100; n++) {
      sim.mark();
      sim.proc.failNth(n);
      VFIODevice d = sim.dev(name);
      Errp err = Errp.local();
      boolean ok = VfioIommufd.iommufdCdevAttach(name, d, sim.space, err);
      long remaining = sim.proc.failNthRemaining();
      sim.proc.failNth(0);
      String injected = sim.injected();
      List<String> calls = sim.calls().stream()
          .filter(l -> !l.contains("/proc/self/task")).toList();
      List<String> traced = sim.traced();
      List<String> stderr = sim.stderr();
      if (ok) {
        VfioIommufd.iommufdCdevDetach(d);
      }
      assertThat(sim.host.stateDump()).as("state after fail-nth %d", n).isEqualTo(before);
      assertThat(sim.host.checkInvariants()).as("invariants after fail-nth %d", n).isEmpty();
      assertThat(sim.space.containers).hasSize(containers);
      assertThat(sim.space.containers.stream().map(c -> c.hwptList.size()).toList())
          .isEqualTo(hwpts);
      if (remaining != 0) {
        assertThat(ok).as("no injection left: the attach succeeds").isTrue();
        return out;
      }
      out.add(new Outcome(injected, ok, calls, traced, stderr,
          err.isSet() ? err.pretty() : null));
    }
    throw new AssertionError("fail-nth never ran out");
  }

  private static List<String> summary(List<Outcome> outs) {
    return outs.stream().map(o -> (o.attached() ? "OK   " : "FAIL ") + o.failedCall())
        .toList();
  }

  private static Outcome at(List<Outcome> outs, String injected, int occurrence) {
    return outs.stream().filter(o -> o.failedCall().equals(injected)).skip(occurrence)
        .findFirst().orElseThrow();
  }

  @Test
  void firstDevice_newContainer() {
    List<Outcome> outs = injectEverywhere("dev0");
    assertThat(summary(outs)).containsExactly(
        "FAIL open /dev/vfio/devices/dev0 ENOMEM",
        "FAIL open /dev/iommu ENOMEM",
        "FAIL ioctl VFIO_DEVICE_BIND_IOMMUFD ENOMEM",
        "FAIL ioctl VFIO_DEVICE_BIND_IOMMUFD ENOMEM",
        "FAIL ioctl VFIO_DEVICE_BIND_IOMMUFD EFAULT",
        "FAIL ioctl IOMMU_IOAS_ALLOC ENOMEM",
        "FAIL ioctl IOMMU_IOAS_ALLOC ENOMEM",
        "FAIL ioctl IOMMU_IOAS_ALLOC EFAULT",
        // autodomains_get's IOMMU_GET_HW_INFO (vendor data, then the struct)
        "FAIL ioctl IOMMU_GET_HW_INFO EFAULT",
        "FAIL ioctl IOMMU_GET_HW_INFO EFAULT",
        "FAIL ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "FAIL ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "FAIL ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "FAIL ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "FAIL ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "FAIL ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "FAIL ioctl IOMMU_HWPT_ALLOC EFAULT",
        "FAIL ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM",
        "FAIL ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM",
        "FAIL ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT EFAULT",
        // iommufd_cdev_get_info_iova_range only warns: the attach goes on
        "OK   ioctl IOMMU_IOAS_IOVA_RANGES EFAULT",
        "OK   ioctl IOMMU_IOAS_IOVA_RANGES EFAULT",
        "OK   ioctl IOMMU_IOAS_IOVA_RANGES EFAULT",
        // hiod realize (IOMMU_GET_HW_INFO with vendor data)
        "FAIL ioctl IOMMU_GET_HW_INFO EFAULT",
        "FAIL ioctl IOMMU_GET_HW_INFO EFAULT");

    // err_connect_bind: close the device fd only
    Outcome o = at(outs, "open /dev/iommu ENOMEM", 0);
    assertThat(o.calls()).containsExactly("open(\"/dev/vfio/devices/dev0\") = 3",
        "open(\"/dev/iommu\") = -1 ENOMEM", "close(3) = 0");
    assertThat(o.error()).isEqualTo("Could not open '/dev/iommu': Cannot allocate memory");

    // bind failure: connect_and_bind disconnects itself, then err_connect_bind closes
    o = at(outs, "ioctl VFIO_DEVICE_BIND_IOMMUFD ENOMEM", 0);
    assertThat(o.calls()).endsWith("close(4) = 0", "close(3) = 0");
    assertThat(o.error()).isEqualTo("error bind device fd=3 to iommufd=4: Cannot allocate memory");

    // err_alloc_ioas: unbind_and_disconnect, close
    o = at(outs, "ioctl IOMMU_IOAS_ALLOC ENOMEM", 0);
    assertThat(o.calls()).endsWith(
        "ioctl(4, IOMMU_IOAS_ALLOC, {size=0xc, flags=0, out_ioas_id=0}) = -1 ENOMEM",
        "close(4) = 0", "close(3) = 0");
    assertThat(o.error()).isEqualTo("Failed to allocate ioas: Cannot allocate memory");

    // err_attach_container after alloc_hwpt failed: free the IOAS
    o = at(outs, "ioctl IOMMU_HWPT_ALLOC ENOMEM", 0);
    assertThat(o.calls()).endsWith("ioctl(4, IOMMU_DESTROY, {size=8, id=2}) = 0",
        "close(4) = 0", "close(3) = 0");
    assertThat(o.traced()).doesNotContain("iommufd_cdev_fail_attach_existing_container");

    // attach of the new HWPT failed: autodomains_get frees the HWPT, then the IOAS
    o = at(outs, "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM", 0);
    assertThat(o.calls()).endsWith(
        "ioctl(3, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=3, pasid=0})"
            + " = -1 ENOMEM",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=3}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=2}) = 0",
        "close(4) = 0", "close(3) = 0");
    assertThat(o.error())
        .isEqualTo("[iommufd=4] error attach dev0 (3) to id=3: Cannot allocate memory");

    o = at(outs, "ioctl IOMMU_IOAS_IOVA_RANGES EFAULT", 0);
    assertThat(o.stderr()).containsExactly("warning: Cannot get IOVA ranges: Bad address\n"
        + "Fallback to default 64bit IOVA range and 4K page size");

    // err_listener_register after hiod realize failed: detach, free HWPT and IOAS, close
    o = at(outs, "ioctl IOMMU_GET_HW_INFO EFAULT", 2);
    assertThat(o.calls()).endsWith(
        "ioctl(3, VFIO_DEVICE_DETACH_IOMMUFD_PT, {argsz=0xc, flags=0, pasid=0}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=3}) = 0",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=2}) = 0",
        "close(4) = 0", "close(3) = 0");
    assertThat(o.traced()).endsWith(
        "iommufd_cdev_detach_ioas_hwpt  [iommufd=4] Successfully detached dev0",
        "iommufd_backend_free_id  iommufd=4 id=3 (0)",
        "iommufd_backend_free_id  iommufd=4 id=2 (0)",
        "iommufd_backend_disconnect fd=-1 users=0");
    assertThat(o.error()).isEqualTo("Failed to get hardware info: Bad address");
  }

  @Test
  void secondDevice_reusingHwpt() {
    VFIODevice d1 = sim.dev("dev1");
    assertThat(VfioIommufd.iommufdCdevAttach("dev1", d1, sim.space, Errp.abort())).isTrue();
    List<Outcome> outs = injectEverywhere("dev0");
    assertThat(summary(outs)).containsExactly(
        "FAIL open /dev/vfio/devices/dev0 ENOMEM",
        "FAIL ioctl VFIO_DEVICE_BIND_IOMMUFD ENOMEM",
        "FAIL ioctl VFIO_DEVICE_BIND_IOMMUFD ENOMEM",
        "FAIL ioctl VFIO_DEVICE_BIND_IOMMUFD EFAULT",
        // a non-EINVAL failure on the existing HWPT fails the existing container: QEMU
        // then builds a second container (new IOAS + HWPT) and the attach succeeds
        "OK   ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM",
        "OK   ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM",
        "OK   ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT EFAULT",
        "FAIL ioctl IOMMU_GET_HW_INFO EFAULT",
        "FAIL ioctl IOMMU_GET_HW_INFO EFAULT");

    Outcome o = at(outs, "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM", 0);
    assertThat(o.traced()).contains(
        "iommufd_cdev_fail_attach_existing_container  [iommufd=4] error attach dev0 (5) to"
            + " id=3: Cannot allocate memory",
        "iommufd_cdev_alloc_ioas  [iommufd=4] new IOMMUFD container with ioasid=5");

    // hiod realize failed on the shared HWPT: detach, the HWPT and IOAS stay (dev1 holds
    // them), the backend stays connected
    o = at(outs, "ioctl IOMMU_GET_HW_INFO EFAULT", 0);
    assertThat(o.calls()).endsWith(
        "ioctl(5, VFIO_DEVICE_DETACH_IOMMUFD_PT, {argsz=0xc, flags=0, pasid=0}) = 0",
        "close(5) = 0");
    assertThat(o.traced()).endsWith("iommufd_backend_disconnect fd=4 users=1");
    VfioIommufd.iommufdCdevDetach(d1);
  }

  @Test
  void secondDevice_secondHwpt() {
    VFIODevice d0 = sim.dev("dev0");
    assertThat(VfioIommufd.iommufdCdevAttach("dev0", d0, sim.space, Errp.abort())).isTrue();
    List<Outcome> outs = injectEverywhere("dev1");
    assertThat(summary(outs)).containsExactly(
        "FAIL open /dev/vfio/devices/dev1 ENOMEM",
        "FAIL ioctl VFIO_DEVICE_BIND_IOMMUFD ENOMEM",
        "FAIL ioctl VFIO_DEVICE_BIND_IOMMUFD ENOMEM",
        "FAIL ioctl VFIO_DEVICE_BIND_IOMMUFD EFAULT",
        // every failure inside autodomains_get on the existing container (after the expected
        // EINVAL) makes QEMU fall back to a new container, where the attach succeeds (that
        // attach fails with EINVAL before anything is copied back: no EFAULT point)
        "OK   ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM",
        "OK   ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM",
        "OK   ioctl IOMMU_GET_HW_INFO EFAULT",
        "OK   ioctl IOMMU_GET_HW_INFO EFAULT",
        "OK   ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "OK   ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "OK   ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "OK   ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "OK   ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "OK   ioctl IOMMU_HWPT_ALLOC ENOMEM",
        "OK   ioctl IOMMU_HWPT_ALLOC EFAULT",
        "OK   ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM",
        "OK   ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM",
        "OK   ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT EFAULT",
        "FAIL ioctl IOMMU_GET_HW_INFO EFAULT",
        "FAIL ioctl IOMMU_GET_HW_INFO EFAULT");

    // the new HWPT's attach failed: autodomains_get frees it (id 5), the existing container
    // is given up (traced), and a new container is built on a new IOAS
    Outcome o = at(outs, "ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT ENOMEM", 2);
    assertThat(o.calls()).contains(
        "ioctl(5, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=3, pasid=0})"
            + " = -1 EINVAL",
        "ioctl(5, VFIO_DEVICE_ATTACH_IOMMUFD_PT, {argsz=0x10, flags=0, pt_id=5, pasid=0})"
            + " = -1 ENOMEM",
        "ioctl(4, IOMMU_DESTROY, {size=8, id=5}) = 0");
    assertThat(o.traced()).contains(
        "iommufd_cdev_fail_attach_existing_container  [iommufd=4] error attach dev1 (5) to"
            + " id=5: Cannot allocate memory");
    // dev1 ends up alone in a fresh container without dirty tracking: no warning
    assertThat(o.stderr()).isEmpty();
    VfioIommufd.iommufdCdevDetach(d0);
  }
}
