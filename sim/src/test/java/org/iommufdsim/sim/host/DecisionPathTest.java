package org.iommufdsim.sim.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.iommufdsim.sim.uapi.Uapi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A system call's decision path is the kernel's checks in the kernel's order, ending at the
 * one that decided; the expected paths are written from main.c, ioas.c and io_pagetable.c.
 */
class DecisionPathTest {
  private final Cprog c = new Cprog();

  @AfterEach
  void invariantsHold() {
    assertThat(c.host.checkInvariants()).isEmpty();
  }

  /** "ID ok" or "ID -> ERRNO", one per decision. */
  static List<String> path(List<Decision> ds) {
    return ds.stream().map(d -> d.checkId() + (d.refused() ? " -> " + d.errno() : " ok")).toList();
  }

  private List<String> last() {
    return path(c.p.lastDecisions());
  }

  private int ioas() {
    return (int) c.ioctl("IOMMU_IOAS_ALLOC", Map.of()).out("out_ioas_id");
  }

  @Test
  void ioasAlloc_success_passesDispatcherThenHandlerThenRespond() {
    assertThat(c.ioctl("IOMMU_IOAS_ALLOC", Map.of()).ok()).isTrue();
    assertThat(last()).containsExactly(
        "DISPATCH_SIZE_READABLE ok", "DISPATCH_KNOWN_IOCTL ok", "DISPATCH_MIN_SIZE ok",
        "DISPATCH_STRUCT_READABLE ok", "IOAS_ALLOC_FLAGS ok", "OBJECT_ID_SPACE ok",
        "UCMD_COPY_TO_USER ok");
  }

  @Test
  void aReleaseOfManyObjects_keepsTheFirstEventsAndCountsTheRest() {
    for (int i = 0; i < 300; i++) {
      ioas();
    }
    assertThat(c.p.close(c.iommufd).isOk()).isTrue();
    // iommufd_fops_release: nothing references an IOAS, so pass 1 destroys all 300, in ID order
    List<PathEvent> events = c.p.lastEvents();
    assertThat(events).hasSize(257);
    assertThat(events.getFirst().text())
        .isEqualTo("pass 1: IOAS 1 destroyed (the table held the only reference)");
    assertThat(events.get(255).text()).startsWith("pass 1: IOAS 256 destroyed");
    assertThat(events.getLast().text())
        .isEqualTo("44 more events not kept; the path keeps at most 256");
  }

  @Test
  void sizeZero_stopsAtTheDispatchersMinimumSize() {
    long arg = c.alloc(64);
    SysResult r = c.p.ioctl(c.iommufd, Uapi.ioctl("IOMMU_IOAS_ALLOC").orElseThrow().request(),
        arg);
    assertThat(r.errno()).isEqualTo(Errno.EINVAL);
    assertThat(last()).containsExactly("DISPATCH_SIZE_READABLE ok", "DISPATCH_KNOWN_IOCTL ok",
        "DISPATCH_MIN_SIZE -> EINVAL");
    Decision d = c.p.lastDecisions().getLast();
    assertThat(d.function()).isEqualTo("iommufd_fops_ioctl");
    assertThat(d.detail()).contains("0x0");
  }

  @Test
  void unknownIommufdNumber_isEnottyAfterTheSizeWasRead() {
    long arg = c.alloc(64);
    long request = (0x3bL << 8) | 0x9f;  // _IO(';', 0x9f): a hole in the table
    assertThat(c.p.ioctl(c.iommufd, request, arg).errno()).isEqualTo(Errno.ENOTTY);
    assertThat(last()).containsExactly("DISPATCH_SIZE_READABLE ok",
        "DISPATCH_KNOWN_IOCTL -> ENOTTY");
  }

  @Test
  void nonZeroTail_isE2big() {
    var def = Uapi.ioctl("IOMMU_IOAS_ALLOC").orElseThrow();
    long arg = c.alloc(64);
    byte[] b = new byte[24];
    b[0] = 24;
    b[20] = 1;
    c.p.memory().store(arg, b);
    assertThat(c.p.ioctl(c.iommufd, def.request(), arg).errno()).isEqualTo(Errno.E2BIG);
    assertThat(last()).containsExactly("DISPATCH_SIZE_READABLE ok", "DISPATCH_KNOWN_IOCTL ok",
        "DISPATCH_MIN_SIZE ok", "DISPATCH_TAIL_READABLE ok", "DISPATCH_TAIL_ZERO -> E2BIG");
  }

  @Test
  void ioasMap_unknownFlag_stopsAtTheFlagsCheckAfterReserved() {
    int id = ioas();
    assertThat(c.ioctl("IOMMU_IOAS_MAP", Map.of("ioas_id", (long) id, "flags", 0x10L,
        "user_va", c.mmap(4096), "length", 4096L)).errno()).isEqualTo(Errno.EOPNOTSUPP);
    assertThat(last()).endsWith("DISPATCH_STRUCT_READABLE ok", "MAP_RESERVED ok",
        "MAP_FLAGS -> EOPNOTSUPP");
    Decision d = c.p.lastDecisions().getLast();
    assertThat(d.function()).isEqualTo("iommufd_ioas_map");
    assertThat(d.detail()).endsWith("(value 0x10)");
  }

  @Test
  void ioasMap_fixedIovaOverAnArea_isEexistFromIoptCheckIova() {
    int id = ioas();
    long va = c.mmap(2 * 4096);
    Map<String, Long> m = Map.of("ioas_id", (long) id, "flags", 1L | 2 | 4, "user_va", va,
        "length", 4096L, "iova", 0x10000L);
    assertThat(c.ioctl("IOMMU_IOAS_MAP", m).ok()).isTrue();
    assertThat(last()).endsWith("MAP_RESERVED ok", "MAP_FLAGS ok", "MAP_ULONG_MAX ok",
        "MAP_PROT ok", "MAP_LOOKUP ok", "MAP_USER_VA_OVERFLOW ok", "MAP_LENGTH ok",
        "IOPT_MAP_LENGTH ok", "CHECK_IOVA_ALIGNED ok", "CHECK_IOVA_OVERFLOW ok",
        "CHECK_IOVA_RESERVED ok", "CHECK_IOVA_EXISTS ok", "INSERT_WRITABLE ok",
        "INSERT_OFFSET ok", "INSERT_OVERFLOW ok", "UCMD_COPY_TO_USER ok");
    assertThat(c.ioctl("IOMMU_IOAS_MAP", m).errno()).isEqualTo(Errno.EEXIST);
    assertThat(last()).endsWith("CHECK_IOVA_RESERVED ok", "CHECK_IOVA_EXISTS -> EEXIST");
  }

  @Test
  void ioasUnmap_ofNothing_isEnoentAtTheEndOfTheRangeWalk() {
    int id = ioas();
    assertThat(c.ioctl("IOMMU_IOAS_UNMAP", Map.of("ioas_id", (long) id, "iova", 0x1000L,
        "length", 0x1000L)).errno()).isEqualTo(Errno.ENOENT);
    assertThat(last()).endsWith("UNMAP_LOOKUP ok", "UNMAP_ULONG_MAX ok", "UNMAP_LENGTH ok",
        "UNMAP_OVERFLOW ok", "UNMAP_NOTHING -> ENOENT");
  }

  @Test
  void lookupOfAMissingIoas_isEnoentWithTheIdKept() {
    assertThat(c.ioctl("IOMMU_IOAS_UNMAP", Map.of("ioas_id", 7L, "iova", 0x1000L,
        "length", 0x1000L)).errno()).isEqualTo(Errno.ENOENT);
    Decision d = c.p.lastDecisions().getLast();
    assertThat(d.checkId()).isEqualTo("UNMAP_LOOKUP");
    assertThat(d.subject()).isEqualTo("ioas_id");
    assertThat(d.detail()).endsWith("(ioas_id = 0x7)");
  }

  @Test
  void destroyOfAnIoasInUse_isEbusyAfterTheLookup() {
    assertThat(c.ioctl("IOMMU_DESTROY", Map.of("id", 5L)).errno()).isEqualTo(Errno.ENOENT);
    assertThat(last()).endsWith("DISPATCH_STRUCT_READABLE ok", "DESTROY_LOOKUP -> ENOENT");
  }

  @Test
  void failNth_isTheDecisionWhereItFired() {
    c.p.failNth(1);
    assertThat(c.ioctl("IOMMU_IOAS_ALLOC", Map.of()).errno()).isEqualTo(Errno.ENOMEM);
    assertThat(last()).endsWith("IOAS_ALLOC_FLAGS ok", "FAIL_NTH -> ENOMEM");
    Decision d = c.p.lastDecisions().getLast();
    assertThat(d.function()).isEqualTo("kzalloc(ioas)");
    assertThat(d.detail()).isEqualTo("fail-nth fired at kzalloc(ioas)");
  }

  @Test
  void badFd_isDecidedByFdget() {
    assertThat(c.p.ioctl(99, 0x3b81, 0).errno()).isEqualTo(Errno.EBADF);
    assertThat(last()).containsExactly("FD_OPEN -> EBADF");
    assertThat(c.p.close(99).errno()).isEqualTo(Errno.EBADF);
    assertThat(last()).containsExactly("FD_OPEN -> EBADF");
  }

  @Test
  void allowIovas_loopPassesFoldIntoOneDecisionWithACount() {
    int id = ioas();
    long arr = c.alloc(48);
    byte[] b = new byte[48];
    long[] r = {0x1000, 0x1fff, 0x3000, 0x3fff, 0x5000, 0x5fff};
    for (int i = 0; i < 6; i++) {
      for (int k = 0; k < 8; k++) {
        b[i * 8 + k] = (byte) (r[i] >>> (8 * k));
      }
    }
    c.p.memory().store(arr, b);
    assertThat(c.ioctl("IOMMU_IOAS_ALLOW_IOVAS", Map.of("ioas_id", (long) id, "num_iovas", 3L,
        "allowed_iovas", arr)).ok()).isTrue();
    List<Decision> ds = c.p.lastDecisions();
    assertThat(path(ds)).endsWith("ALLOW_IOVAS_LOOKUP ok", "ALLOW_IOVAS_READ ok",
        "ALLOW_IOVAS_ORDER ok", "ALLOW_IOVAS_OVERLAP ok", "ALLOW_IOVAS_READ ok",
        "ALLOW_IOVAS_ORDER ok", "ALLOW_IOVAS_OVERLAP ok", "ALLOW_IOVAS_READ ok",
        "ALLOW_IOVAS_ORDER ok", "ALLOW_IOVAS_OVERLAP ok", "ALLOW_IOVAS_RESERVED_RANGE ok");
  }

  private int mockDevice() {
    long stdevId = c.test("IOMMU_TEST_OP_MOCK_DOMAIN", Map.of("id", (long) ioas())).out(
        "mock_domain.out_idev_id");
    return (int) stdevId;
  }

  @Test
  void hwptAlloc_nestParentWithFaultIdValid_stopsAtTheFaultRuleAfterTheEarlierChecksPassed() {
    int dev = mockDevice();
    int ioas = ioas();
    long nestParent = IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;
    long faultIdValid = IommufdUapi.IOMMU_HWPT_FAULT_ID_VALID;
    assertThat(c.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) dev, "pt_id", (long) ioas,
        "flags", nestParent | faultIdValid)).errno()).isEqualTo(Errno.EOPNOTSUPP);
    assertThat(last()).containsExactly("DISPATCH_SIZE_READABLE ok", "DISPATCH_KNOWN_IOCTL ok",
        "DISPATCH_MIN_SIZE ok", "DISPATCH_STRUCT_READABLE ok", "HWPT_ALLOC_RESERVED ok",
        "HWPT_ALLOC_DATA_LEN ok", "HWPT_ALLOC_DEV_LOOKUP ok", "HWPT_ALLOC_PT_LOOKUP ok",
        "HWPT_ALLOC_PT_TYPE ok", "HWPT_PAGING_FLAGS ok", "HWPT_PAGING_DIRTY ok",
        "HWPT_PAGING_FAULT_NEST_PARENT -> EOPNOTSUPP");
    Decision d = c.p.lastDecisions().getLast();
    assertThat(d.function()).isEqualTo("iommufd_hwpt_paging_alloc");
    assertThat(d.subject()).isEqualTo("FAULT_ID_VALID && NEST_PARENT");
    assertThat(d.detail()).endsWith("(value 0x5)");
  }

  @Test
  void hwptAlloc_faultIdValidWithoutAFault_isEnoentAtTheFaultLookup() {
    int dev = mockDevice();
    int ioas = ioas();
    assertThat(c.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) dev, "pt_id", (long) ioas,
        "flags", IommufdUapi.IOMMU_HWPT_FAULT_ID_VALID, "fault_id", 77L)).errno())
        .isEqualTo(Errno.ENOENT);
    List<String> p = last();
    assertThat(p).contains("HWPT_PAGING_FAULT_NEST_PARENT ok", "DRIVER_DOMAIN_ALLOC_PAGING ok");
    assertThat(p.getLast()).isEqualTo("HWPT_ALLOC_FAULT_LOOKUP -> ENOENT");
    assertThat(c.p.lastDecisions().getLast().detail()).endsWith("(fault_id = 0x4d)");
  }

  @Test
  void readingAnIommufd_isRefusedByVfsRead() {
    assertThat(c.p.read(c.iommufd, c.alloc(8), 8).errno()).isEqualTo(Errno.EINVAL);
    // vfs_read: an iommufd has no read op (FMODE_CAN_READ), refused before the buffer is checked
    assertThat(last()).containsExactly("FILE_READ -> EINVAL");
  }

  @Test
  void aCountAboveSsizeMax_isRefusedByAccessOk_beforeRwVerifyArea() {
    // vfs_read checks access_ok(buf, count) before rw_verify_area's count < 0: EFAULT, not EINVAL
    Cprog.Call q = c.ioctl("IOMMU_FAULT_QUEUE_ALLOC", Map.of());
    int fd = (int) q.out("out_fault_fd");
    assertThat(c.p.read(fd, c.alloc(8), Long.MIN_VALUE).errno()).isEqualTo(Errno.EFAULT);
    assertThat(last()).containsExactly("FILE_READ ok", "RW_ACCESS_OK -> EFAULT");
  }

  @Test
  void vfioAttach_beforeBind_isRefusedByTheCdevAndAPasidAttachNeedsAPasidCompatibleHwpt() {
    Host host = Host.create(HostConfig.defaults().withDevices(
        List.of(DeviceSpec.of("dev0", "mock", Map.of("pasid_bits", "20")))));
    Cprog k = new Cprog(host);
    int devFd = (int) k.p.open("/dev/vfio/devices/dev0").value();
    var attach = org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT;
    var bind = org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_BIND_IOMMUFD;
    long a = k.alloc(32);
    assertThat(k.p.ioctl(devFd, attach.request(), a).errno()).isEqualTo(Errno.EINVAL);
    assertThat(path(k.p.lastDecisions())).containsExactly("VFIO_BOUND -> EINVAL");

    long b = vfioArg(k, bind.struct(), Map.of("argsz", 24L, "iommufd", (long) k.iommufd));
    assertThat(k.p.ioctl(devFd, bind.request(), b).isOk()).isTrue();
    assertThat(path(k.p.lastDecisions())).containsExactly("VFIO_COPY_IN ok", "BIND_ARGSZ ok",
        "BIND_FLAGS ok",
        "BIND_ONCE ok", "BIND_FD ok", "BIND_FD_TYPE ok", "BIND_DMA_OWNER ok",
        "OBJECT_ID_SPACE ok", "VFIO_COPY_OUT ok");
    int ioas = (int) k.ioctl("IOMMU_IOAS_ALLOC", Map.of()).out("out_ioas_id");
    long at = vfioArg(k, attach.struct(), Map.of("argsz", 20L, "flags", 1L, "pasid", 5L,
        "pt_id", (long) ioas));
    assertThat(k.p.ioctl(devFd, attach.request(), at).errno()).isEqualTo(Errno.EINVAL);
    List<String> p = path(k.p.lastDecisions());
    assertThat(p).startsWith("VFIO_BOUND ok", "VFIO_COPY_IN ok", "ATTACH_ARGSZ ok",
        "ATTACH_FLAGS ok", "ATTACH_PASID_ARGSZ ok", "VFIO_COPY_IN ok", "ATTACH_PT_LOOKUP ok");
    assertThat(p.getLast()).isEqualTo("ATTACH_PASID_COMPAT -> EINVAL");
    k.p.exit();
    assertThat(host.checkInvariants()).isEmpty();
  }

  /** A VFIO struct (argsz first, no size field) laid out in the program's memory. */
  private static long vfioArg(Cprog k, org.iommufdsim.sim.uapi.CStruct s, Map<String, Long> f) {
    byte[] b = s.newBuffer();
    f.forEach((name, v) -> s.field(name).set(b, v));
    long addr = k.alloc(b.length);
    k.p.memory().store(addr, b);
    return addr;
  }

  @Test
  void hwptAlloc_driverRefusal_carriesTheDriversErrnoAndReason() {
    int dev = mockDevice();
    int ioas = ioas();
    long data = c.alloc(64);
    assertThat(c.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", (long) dev, "pt_id", (long) ioas,
        "data_type", 0xbeefL, "data_len", 4L, "data_uptr", data)).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    List<String> p = last();
    assertThat(p).endsWith("HWPT_PAGING_FAULT_NEST_PARENT ok", "OBJECT_ID_SPACE ok",
        "MOCK_PAGING_FLAGS ok", "MOCK_PAGING_DATA_TYPE -> EOPNOTSUPP",
        "DRIVER_DOMAIN_ALLOC_PAGING -> EOPNOTSUPP");
    Decision d = c.p.lastDecisions().getLast();
    assertThat(d.function()).isEqualTo("ops->domain_alloc_paging_flags");
    assertThat(d.detail()).contains("IOMMU_HWPT_DATA_SELFTEST");
  }

  @Test
  void vtdNestParentWithoutNesting_firstStageDeclinesThenTheSecondStageDecides() {
    Host host = Host.create(HostConfig.defaults().withDevices(
        List.of(DeviceSpec.of("vtd0", "intel_vtd", Map.of("nesting", "off")))));
    Cprog k = new Cprog(host);
    int devFd = (int) k.p.open("/dev/vfio/devices/vtd0").value();
    var bind = org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_BIND_IOMMUFD;
    long b = vfioArg(k, bind.struct(), Map.of("argsz", 24L, "iommufd", (long) k.iommufd));
    assertThat(k.p.ioctl(devFd, bind.request(), b).isOk()).isTrue();
    long devId = bind.struct().field("out_devid").get(k.p.memory().load(b, 24));
    int ioas = (int) k.ioctl("IOMMU_IOAS_ALLOC", Map.of()).out("out_ioas_id");
    assertThat(k.ioctl("IOMMU_HWPT_ALLOC", Map.of("dev_id", devId, "pt_id", (long) ioas,
        "flags", IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT)).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    // intel_iommu_domain_alloc_paging_flags tries the first stage, which declines anything
    // but PASID with EOPNOTSUPP, then the second stage, which needs ECAP.NEST for a parent
    assertThat(path(k.p.lastDecisions())).endsWith("OBJECT_ID_SPACE ok", "VTD_PAGING_DATA ok",
        "VTD_FS_FLAGS -> EOPNOTSUPP", "VTD_SS_FLAGS ok", "VTD_SS_CAPS -> EOPNOTSUPP",
        "DRIVER_DOMAIN_ALLOC_PAGING -> EOPNOTSUPP");
    k.p.exit();
    assertThat(host.checkInvariants()).isEmpty();
  }

  @Test
  void faultQueue_responseWithAnUnknownCookie_isRefusedAfterTheCodeCheck() {
    Cprog.Call q = c.ioctl("IOMMU_FAULT_QUEUE_ALLOC", Map.of());
    assertThat(q.ok()).isTrue();
    assertThat(last()).endsWith("FAULT_ALLOC_FLAGS ok", "OBJECT_ID_SPACE ok", "EVENTQ_FD ok",
        "UCMD_COPY_TO_USER ok");
    int fd = (int) q.out("out_fault_fd");
    long resp = c.alloc(8);
    byte[] b = new byte[8];
    b[0] = 9;  // struct iommu_hwpt_page_response: cookie 9, code 0 (SUCCESS)
    c.p.memory().store(resp, b);
    assertThat(c.p.write(fd, resp, 8).errno()).isEqualTo(Errno.EINVAL);
    assertThat(last()).containsExactly("FILE_WRITE ok", "RW_ACCESS_OK ok", "COUNT_SIZE ok",
        "FAULT_WRITE_SIZE ok", "FAULT_WRITE_CODE ok", "FAULT_WRITE_COOKIE -> EINVAL");
    assertThat(c.p.write(fd, resp, 7).errno()).isEqualTo(Errno.ESPIPE);
    assertThat(last()).containsExactly("FILE_WRITE ok", "RW_ACCESS_OK ok", "COUNT_SIZE ok",
        "FAULT_WRITE_SIZE -> ESPIPE");
  }

  @Test
  void unmapOfSeveralAreas_recordsEachPerAreaCheckOnce() {
    int id = ioas();
    long va = c.mmap(3 * 4096);
    for (int i = 0; i < 3; i++) {
      assertThat(c.ioctl("IOMMU_IOAS_MAP", Map.of("ioas_id", (long) id, "flags", 1L | 2 | 4,
          "user_va", va + i * 4096L, "length", 4096L, "iova", 0x10000L + i * 4096L)).ok())
          .isTrue();
    }
    assertThat(c.ioctl("IOMMU_IOAS_UNMAP", Map.of("ioas_id", (long) id, "iova", 0x10000L,
        "length", 3 * 4096L)).ok()).isTrue();
    assertThat(last()).endsWith("UNMAP_OVERFLOW ok", "UNMAP_LOCKED ok", "UNMAP_SPLIT ok",
        "UNMAP_NOTHING ok", "UCMD_COPY_TO_USER ok");
  }

  @Test
  void aFinishedCallsPath_isNotDisturbedByWorkBetweenCalls() {
    assertThat(c.ioctl("IOMMU_DESTROY", Map.of("id", 5L)).errno()).isEqualTo(Errno.ENOENT);
    List<Decision> before = c.p.lastDecisions();
    assertThat(c.host.checkInvariants()).isEmpty();
    assertThat(c.host.stateDump()).isNotEmpty();
    assertThat(c.p.lastDecisions()).isEqualTo(before);
  }

  @Test
  void aVeryLongPath_keepsItsDecidingRefusalLast() {
    int id = ioas();
    int n = 200;
    long arr = c.alloc(16 * (n + 1));
    byte[] b = new byte[16 * (n + 1)];
    for (int i = 0; i <= n; i++) {
      long start = 0x100000L * (i == n ? 0 : i) + 0x1000;
      long last = start + 0xfff;
      for (int k = 0; k < 8; k++) {
        b[i * 16 + k] = (byte) (start >>> (8 * k));
        b[i * 16 + 8 + k] = (byte) (last >>> (8 * k));
      }
    }
    c.p.memory().store(arr, b);
    assertThat(c.ioctl("IOMMU_IOAS_ALLOW_IOVAS", Map.of("ioas_id", (long) id,
        "num_iovas", (long) n + 1, "allowed_iovas", arr)).errno()).isEqualTo(Errno.EINVAL);
    List<Decision> ds = c.p.lastDecisions();
    assertThat(ds.getLast().checkId()).isEqualTo("ALLOW_IOVAS_OVERLAP");
    assertThat(ds.getLast().errno()).isEqualTo(Errno.EINVAL);
    Decision elided = ds.get(ds.size() - 2);
    assertThat(elided.checkId()).isEqualTo(Decision.ELIDED);
    assertThat(elided.times()).isPositive();
    assertThat(ds.size()).isLessThanOrEqualTo(257);
  }

  @Test
  void listener_hearsEveryCallWithItsPath() {
    List<CallPath> heard = new java.util.ArrayList<>();
    c.host.onDecisions(heard::add);
    c.p.close(42);
    c.host.onDecisions(null);
    c.p.close(43);
    assertThat(heard).hasSize(1);
    assertThat(heard.getFirst().errno()).isEqualTo(Errno.EBADF);
    assertThat(heard.getFirst().decidingCheck().checkId()).isEqualTo("FD_OPEN");
    assertThat(heard.getFirst().call()).isEqualTo("close(42)");
    assertThat(heard.getFirst().pid()).isEqualTo(c.p.pid());
  }
}
