package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.TestCheck.*;

import static org.iommufdsim.sim.uapi.IommufdTestUapi.*;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.drivers.MockIommu;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.Uapi;

/** IOMMU_TEST_CMD (mirrors selftest.c: iommufd_test), the kernel's test-only surface. */
final class TestIoctls {
  private static final CField OP = iommu_test_cmd.field("op");
  private static final CField ID = iommu_test_cmd.field("id");
  private static final CField RES_START = iommu_test_cmd.field("add_reserved.start");
  private static final CField RES_LEN = iommu_test_cmd.field("add_reserved.length");
  private static final CField MEM_LIMIT = iommu_test_cmd.field("memory_limit.limit");
  private static final CField MD_STDEV = iommu_test_cmd.field("mock_domain.out_stdev_id");
  private static final CField MD_HWPT = iommu_test_cmd.field("mock_domain.out_hwpt_id");
  private static final CField MD_IDEV = iommu_test_cmd.field("mock_domain.out_idev_id");
  private static final CField MD_FLAGS = iommu_test_cmd.field("mock_domain_flags.dev_flags");
  private static final CField REPLACE_PT = iommu_test_cmd.field("mock_domain_replace.pt_id");
  private static final CField IOPF_DEV = iommu_test_cmd.field("trigger_iopf.dev_id");
  private static final CField IOPF_PASID = iommu_test_cmd.field("trigger_iopf.pasid");
  private static final CField IOPF_GRPID = iommu_test_cmd.field("trigger_iopf.grpid");
  private static final CField IOPF_PERM = iommu_test_cmd.field("trigger_iopf.perm");
  private static final CField IOPF_ADDR = iommu_test_cmd.field("trigger_iopf.addr");
  private static final CField PA_PASID = iommu_test_cmd.field("pasid_attach.pasid");
  private static final CField PA_PT = iommu_test_cmd.field("pasid_attach.pt_id");
  private static final CField PR_PASID = iommu_test_cmd.field("pasid_replace.pasid");
  private static final CField PR_PT = iommu_test_cmd.field("pasid_replace.pt_id");
  private static final CField PD_PASID = iommu_test_cmd.field("pasid_detach.pasid");
  private static final CField PC_PASID = iommu_test_cmd.field("pasid_check.pasid");
  private static final CField PC_HWPT = iommu_test_cmd.field("pasid_check.hwpt_id");
  private static final CField IOTLB_ID = iommu_test_cmd.field("check_iotlb.id");
  private static final CField IOTLB_VAL = iommu_test_cmd.field("check_iotlb.iotlb");
  private static final CField CACHE_ID = iommu_test_cmd.field("check_dev_cache.id");
  private static final CField CACHE_VAL = iommu_test_cmd.field("check_dev_cache.cache");

  private TestIoctls() {}

  static SysResult test(Ucmd u) {
    long op = u.get(OP);
    if (op == IOMMU_TEST_OP_ADD_RESERVED) {
      return addReserved(u, u.u32(ID), u.get(RES_START), u.get(RES_LEN));
    }
    if (op == IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT) {
      return memoryLimit(u, u.get(MEM_LIMIT));
    }
    if (op == IOMMU_TEST_OP_MOCK_DOMAIN || op == IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS) {
      return mockDomain(u, op == IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS ? u.get(MD_FLAGS) : 0);
    }
    if (op == IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE) {
      return replace(u, 0, REPLACE_PT, true);
    }
    if (op == IOMMU_TEST_OP_PASID_ATTACH) {
      return replace(u, u.u32(PA_PASID), PA_PT, false);
    }
    if (op == IOMMU_TEST_OP_PASID_REPLACE) {
      return replace(u, u.u32(PR_PASID), PR_PT, true);
    }
    if (op == IOMMU_TEST_OP_PASID_DETACH) {
      return pasidDetach(u);
    }
    if (op == IOMMU_TEST_OP_PASID_CHECK_HWPT) {
      return pasidCheck(u);
    }
    if (op == IOMMU_TEST_OP_TRIGGER_IOPF) {
      return triggerIopf(u);
    }
    if (op == IOMMU_TEST_OP_TRIGGER_VEVENT) {
      return triggerVevent(u);
    }
    if (op == IOMMU_TEST_OP_DMABUF_GET) {
      return dmabufGet(u);
    }
    if (op == IOMMU_TEST_OP_DMABUF_REVOKE) {
      return dmabufRevoke(u);
    }
    if (op == IOMMU_TEST_OP_CREATE_ACCESS) {
      return AccessOps.create(u);
    }
    if (op == IOMMU_TEST_OP_ACCESS_PAGES) {
      return AccessOps.pages(u);
    }
    if (op == IOMMU_TEST_OP_DESTROY_ACCESS_PAGES) {
      return AccessOps.destroyPages(u);
    }
    if (op == IOMMU_TEST_OP_ACCESS_RW) {
      return AccessOps.rw(u);
    }
    if (op == IOMMU_TEST_OP_ACCESS_REPLACE_IOAS) {
      return AccessOps.replaceIoas(u);
    }
    if (op == IOMMU_TEST_OP_DIRTY) {
      return MockChecks.dirty(u);
    }
    if (op == IOMMU_TEST_OP_MD_CHECK_MAP) {
      return MockChecks.checkMap(u);
    }
    if (op == IOMMU_TEST_OP_MD_CHECK_REFS) {
      return MockChecks.checkRefs(u);
    }
    if (op == IOMMU_TEST_OP_MD_CHECK_IOTLB) {
      return checkIotlb(u);
    }
    if (op == IOMMU_TEST_OP_DEV_CHECK_CACHE) {
      return checkDevCache(u);
    }
    u.refuse(TEST_OP, true, op);
    if (Uapi.testOpByNumber(op).isPresent()) {
      return SysResult.err(Errno.EOPNOTSUPP, Uapi.testOpByNumber(op).get().name()
          + " is not modelled yet");
    }
    return SysResult.err(Errno.EOPNOTSUPP, "unknown test op " + op);
  }

  /** Mirrors selftest.c: iommufd_test_add_reserved. */
  private static SysResult addReserved(Ucmd u, int ioasId, long start, long length) {
    if (u.refuse(TEST_ADD_RESERVED_LENGTH, length == 0)) {
      return SysResult.err(Errno.EINVAL, "add_reserved.length is 0");
    }
    if (u.refuse(TEST_ADD_RESERVED_OVERFLOW, U64.addOverflows(start, length - 1))) {
      return SysResult.err(Errno.EOVERFLOW, "add_reserved.start + length - 1 overflows");
    }
    Ioas ioas = u.ictx.getIoas(ioasId);
    if (u.refuse(TEST_ADD_RESERVED_LOOKUP, ioas == null, ioasId)) {
      return SysResult.err(Errno.ENOENT, "id " + Integer.toUnsignedString(ioasId)
          + " is not an IOAS");
    }
    Errno e = ioas.iopt().reserve(u.task, start, start + length - 1, TEST_OWNER);
    if (e == Errno.EADDRINUSE) {
      return SysResult.err(e, "the range intersects an area or an allowed range");
    }
    if (e != null) {
      return SysResult.err(e, "allocating the reservation failed");
    }
    return SysResult.ok();
  }

  /** Test reservations have no owner in the kernel (NULL); they are never released. */
  static final Object TEST_OWNER = new Object() {
    @Override
    public String toString() {
      return "test";
    }
  };

  /** Mirrors selftest.c: the SET_TEMP_MEMORY_LIMIT op (a module-global knob). */
  private static SysResult memoryLimit(Ucmd u, long limit) {
    if (u.refuse(TEST_MEMORY_LIMIT, U64.lt(limit, 12), limit)) {
      return SysResult.err(Errno.EINVAL, "memory_limit.limit is below 12 bytes");
    }
    u.task.kernel().setTestMemoryLimit(limit);
    return SysResult.ok();
  }

  /** Mirrors selftest.c: iommufd_test_mock_domain (MOCK_DOMAIN and MOCK_DOMAIN_FLAGS). */
  private static SysResult mockDomain(Ucmd u, long devFlags) {
    int ptId = u.u32(ID);
    Errno[] err = new Errno[1];
    Selftest sobj = Lifecycle.alloc(u.ictx, u.task, new Selftest(), "selftest_obj", err);
    if (sobj == null) {
      return SysResult.err(err[0], "allocating the selftest object failed");
    }
    if (u.refuse(TEST_MOCK_DEV_FLAGS,
        (devFlags & ~(MOCK_FLAGS_DEVICE_NO_DIRTY | MOCK_FLAGS_DEVICE_PASID)) != 0, devFlags)) {
      Lifecycle.abortAndDestroy(u.ictx, sobj);
      return SysResult.err(Errno.EINVAL, "dev_flags has bits outside NO_DIRTY and PASID");
    }
    if (u.task.shouldFail("mock_dev_create")) {
      Lifecycle.abortAndDestroy(u.ictx, sobj);
      return SysResult.err(Errno.ENOMEM, "creating the mock device failed");
    }
    MockIommu mock = u.task.kernel().mock();
    IommuDevice dev = new IommuDevice(u.task.kernel().nextMockDevName(), mock,
        u.task.kernel().newGroup(),
        (devFlags & MOCK_FLAGS_DEVICE_PASID) != 0 ? (int) MOCK_PASID_WIDTH : 0,
        (devFlags & MOCK_FLAGS_DEVICE_NO_DIRTY) == 0, true, MockIommu.newDevState(devFlags));
    sobj.mockDev = dev;
    KResult<Device> bound = DeviceCore.bind(u.ictx, u.task, dev, false);
    if (!bound.isOk()) {
      dev.markRemoved();
      Lifecycle.abortAndDestroy(u.ictx, sobj);
      return SysResult.err(bound.errno(), bound.reason());
    }
    Device idev = bound.value();
    KResult<Integer> att = DeviceCore.attach(u.ictx, u.task, idev, DeviceCore.NO_PASID, ptId);
    if (!att.isOk()) {
      DeviceCore.unbind(u.ictx, idev);
      dev.markRemoved();
      Lifecycle.abortAndDestroy(u.ictx, sobj);
      return SysResult.err(att.errno(), att.reason());
    }
    sobj.idev = idev;
    u.set(MD_HWPT, att.value());
    u.set(MD_STDEV, sobj.id());
    u.set(MD_IDEV, idev.id());
    SysResult r = u.respond();
    if (!r.isOk()) {
      DeviceCore.detach(u.ictx, idev, DeviceCore.NO_PASID);
      DeviceCore.unbind(u.ictx, idev);
      dev.markRemoved();
      sobj.idev = null;
      Lifecycle.abortAndDestroy(u.ictx, sobj);
      return r;
    }
    Lifecycle.finalize(u.ictx, sobj);
    return SysResult.ok();
  }

  /** selftest_obj_destroy: detach every PASID and the RID, unbind, remove the mock device. */
  static void destroySelftest(IommufdFile ictx, Selftest st) {
    if (st.idev == null) {
      return;
    }
    for (int pasid : DeviceCore.attachedPasids(st.idev)) {
      DeviceCore.detach(ictx, st.idev, pasid);
    }
    DeviceCore.unbind(ictx, st.idev);
    st.mockDev.markRemoved();
  }

  /** iommufd_test_get_selftest_obj. */
  private static Selftest selftest(Ucmd u) {
    IommufdObject o = u.ictx.get(u.u32(ID), ObjType.SELFTEST);
    u.refuse(TEST_SELFTEST_LOOKUP, !(o instanceof Selftest), u.get(ID));
    return o instanceof Selftest s ? s : null;
  }

  /** MOCK_DOMAIN_REPLACE and PASID_ATTACH / PASID_REPLACE. */
  private static SysResult replace(Ucmd u, int pasid, CField pt, boolean replace) {
    Selftest s = selftest(u);
    if (s == null) {
      return SysResult.err(Errno.ENOENT, "id " + Integer.toUnsignedString(u.u32(ID))
          + " is not a selftest device");
    }
    KResult<Integer> r = replace
        ? DeviceCore.replace(u.ictx, u.task, s.idev, pasid, u.u32(pt))
        : DeviceCore.attach(u.ictx, u.task, s.idev, pasid, u.u32(pt));
    if (!r.isOk()) {
      return SysResult.err(r.errno(), r.reason());
    }
    u.set(pt, r.value());
    SysResult resp = u.respond();
    if (!resp.isOk() && !replace) {
      DeviceCore.detach(u.ictx, s.idev, pasid);
    }
    return resp;
  }

  private static SysResult pasidDetach(Ucmd u) {
    Selftest s = selftest(u);
    if (s == null) {
      return SysResult.err(Errno.ENOENT, "id is not a selftest device");
    }
    DeviceCore.detach(u.ictx, s.idev, u.u32(PD_PASID));
    return SysResult.ok();
  }

  /** Mirrors selftest.c: iommufd_test_pasid_check_hwpt. */
  private static SysResult pasidCheck(Ucmd u) {
    Selftest s = selftest(u);
    if (s == null) {
      return SysResult.err(Errno.ENOENT, "id is not a selftest device");
    }
    int pasid = u.u32(PC_PASID);
    IommuDomain attached = pasid == DeviceCore.NO_PASID ? s.mockDev.ridDomain()
        : s.mockDev.pasidDomain(pasid);
    int hwptId = u.u32(PC_HWPT);
    if (hwptId == 0) {
      return !u.refuse(TEST_PASID_CHECK_NONE, attached != null) ? SysResult.ok()
          : SysResult.err(Errno.EINVAL, "something is attached at PASID " + pasid);
    }
    IommufdObject o = u.ictx.get(hwptId, ObjType.ANY);
    if (u.refuse(TEST_PASID_CHECK_LOOKUP, o == null, hwptId)) {
      return SysResult.err(Errno.ENOENT, "hwpt_id does not exist");
    }
    if (u.refuse(TEST_PASID_CHECK_TYPE, !(o instanceof HwPagetable))
        || !(o instanceof HwPagetable h)) {
      return SysResult.err(Errno.EINVAL, "hwpt_id is not a HWPT");
    }
    return !u.refuse(TEST_PASID_CHECK_MATCH, attached != h.domain) ? SysResult.ok()
        : SysResult.err(Errno.EINVAL, "HWPT " + hwptId + " is not attached at PASID " + pasid);
  }

  /** Mirrors selftest.c: iommufd_test_trigger_iopf. */
  private static SysResult triggerIopf(Ucmd u) {
    IommufdObject o = u.ictx.get(u.u32(IOPF_DEV), ObjType.DEVICE);
    if (u.refuse(TEST_IOPF_DEV_LOOKUP, !(o instanceof Device), u.get(IOPF_DEV))
        || !(o instanceof Device idev)) {
      return SysResult.err(Errno.ENOENT, "dev_id is not a device");
    }
    int pasid = u.u32(IOPF_PASID);
    int flags = Faults.LAST_PAGE | (pasid != DeviceCore.NO_PASID ? Faults.PASID_VALID : 0);
    Faults.report(u.task, idev, new Fault.PageRequest(flags, pasid, u.u32(IOPF_GRPID), u.u32(IOPF_PERM),
        u.get(IOPF_ADDR)));
    return SysResult.ok();
  }

  /** Mirrors selftest.c: iommufd_test_dmabuf_get; the new fd is the ioctl's return value. */
  private static SysResult dmabufGet(Ucmd u) {
    long len = u.get(iommu_test_cmd.field("dmabuf_get.length"));
    long page = u.task.kernel().pageSize();
    if (u.refuse(TEST_DMABUF_LENGTH, len == 0 || len > 512 * page, len)) {
      return SysResult.err(Errno.EINVAL, "length must be 1 .. 512 pages");
    }
    if (u.task.shouldFail("kzalloc(iommufd_test_dma_buf)")) {
      return SysResult.err(Errno.ENOMEM, "allocating the dma-buf failed");
    }
    long size = (len + page - 1) / page * page;
    org.iommufdsim.sim.kernel.fs.DmabufFile buf = new org.iommufdsim.sim.kernel.fs.DmabufFile(
        u.task.kernel().newMemObject("dmabuf", size, true), size);
    int fd = u.task.reserveFd();
    if (u.refuse(TEST_DMABUF_FD, fd < 0)) {
      buf.put();
      return SysResult.err(Errno.EMFILE, "no free fd");
    }
    u.task.installFd(fd, buf);
    return SysResult.ok(fd);
  }

  /** Mirrors selftest.c: iommufd_test_dmabuf_revoke. */
  private static SysResult dmabufRevoke(Ucmd u) {
    int fd = (int) iommu_test_cmd.field("dmabuf_revoke.dmabuf_fd").get(u.cmd);
    org.iommufdsim.sim.kernel.fs.KFile f = u.task.file(fd);
    if (u.refuse(TEST_DMABUF_REVOKE_FD, f == null, fd)) {
      return SysResult.err(Errno.EBADF, "dmabuf_fd is not an open fd");
    }
    if (u.refuse(TEST_DMABUF_REVOKE_TYPE, !(f instanceof org.iommufdsim.sim.kernel.fs.DmabufFile))
        || !(f instanceof org.iommufdsim.sim.kernel.fs.DmabufFile buf)) {
      return SysResult.err(Errno.EINVAL, "dmabuf_fd is not a dma-buf");
    }
    buf.setRevoked(iommu_test_cmd.field("dmabuf_revoke.revoked").get(u.cmd) != 0);
    return SysResult.ok();
  }

  /** Mirrors selftest.c: iommufd_test_trigger_vevent (v7.0). */
  private static SysResult triggerVevent(Ucmd u) {
    IommufdObject o = u.ictx.get(u.u32(iommu_test_cmd.field("trigger_vevent.dev_id")),
        ObjType.DEVICE);
    if (u.refuse(TEST_VEVENT_DEV, !(o instanceof Device d0
        && d0.dev.priv() instanceof MockIommu.MockDev))
        || !(o instanceof Device idev) || !(idev.dev.priv() instanceof MockIommu.MockDev md)) {
      return SysResult.err(Errno.ENOENT, "dev_id is not a mock device");
    }
    if (u.refuse(TEST_VEVENT_VDEV, !(md.viommu instanceof Viommu) || md.vdevId == 0)
        || !(md.viommu instanceof Viommu v)) {
      return SysResult.err(Errno.ENOENT, "the device is not attached through a vIOMMU with a"
          + " non-zero virt_id");
    }
    byte[] payload = iommu_viommu_event_selftest.newBuffer();
    iommu_viommu_event_selftest.field("virt_id").set(payload, md.vdevId);
    Errno e = v.reportEvent(IOMMU_VEVENTQ_TYPE_SELFTEST, payload);
    u.decider().refuseWith(TEST_VEVENT_QUEUE, e, "no vEVENTQ of type SELFTEST");
    return e == null ? SysResult.ok()
        : SysResult.err(e, "the vIOMMU has no vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST");
  }

  /** Mirrors selftest.c: iommufd_test_md_check_iotlb. */
  private static SysResult checkIotlb(Ucmd u) {
    IommufdObject o = u.ictx.get(u.u32(ID), ObjType.HWPT_NESTED);
    if (u.refuse(TEST_IOTLB_LOOKUP, !(o instanceof HwptNested), u.get(ID))
        || !(o instanceof HwptNested n)) {
      return SysResult.err(Errno.ENOENT, "id is not a nested HWPT");
    }
    if (u.refuse(TEST_IOTLB_MOCK, !(n.domain.priv() instanceof MockIommu.MockDomain m0
        && m0.iotlb != null))
        || !(n.domain.priv() instanceof MockIommu.MockDomain md)) {
      return SysResult.err(Errno.EINVAL, "not a mock nested domain");
    }
    long idx = u.get(IOTLB_ID);
    if (u.refuse(TEST_IOTLB_VALUE,
        idx > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX || md.iotlb[(int) idx] != u.get(IOTLB_VAL), idx)) {
      return SysResult.err(Errno.EINVAL, "iotlb[" + idx + "] does not hold that value");
    }
    return SysResult.ok();
  }

  /** Mirrors selftest.c: iommufd_test_dev_check_cache. */
  private static SysResult checkDevCache(Ucmd u) {
    IommufdObject o = u.ictx.get(u.u32(ID), ObjType.DEVICE);
    if (u.refuse(TEST_CACHE_LOOKUP, !(o instanceof Device), u.get(ID))
        || !(o instanceof Device idev)) {
      return SysResult.err(Errno.ENOENT, "id is not a device");
    }
    long idx = u.get(CACHE_ID);
    if (!(idev.dev.priv() instanceof MockIommu.MockDev md)) {
      // v7.0 does not check that the device is a mock one: it range-checks cache_id, then
      // reads the cache array of a struct mock_dev that is not there (undefined behaviour).
      // The model answers the range check as the kernel does, then EINVAL as a stand-in.
      if (u.refuse(TEST_CACHE_VALUE, idx > MOCK_DEV_CACHE_ID_MAX, idx)) {
        return SysResult.err(Errno.EINVAL, "cache_id " + idx + " is out of range");
      }
      u.refuse(TEST_CACHE_MOCK, true);
      return SysResult.err(Errno.EINVAL, "not a mock device (undefined in v7.0)");
    }
    if (u.refuse(TEST_CACHE_VALUE,
        idx > MOCK_DEV_CACHE_ID_MAX || md.cache[(int) idx] != u.get(CACHE_VAL), idx)) {
      return SysResult.err(Errno.EINVAL, "cache[" + idx + "] does not hold that value");
    }
    return SysResult.ok();
  }
}
