package org.iommufdsim.sim.kernel.drivers;

import static org.iommufdsim.sim.kernel.decide.MockCheck.*;

import static org.iommufdsim.sim.uapi.IommufdTestUapi.*;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_PASID;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_INFO_TYPE_DEFAULT;

import java.util.Arrays;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iommu.IommuDriver;
import org.iommufdsim.sim.kernel.iommu.UserData;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The kernel's selftest IOMMU (mirrors drivers/iommu/iommufd/selftest.c, v7.0): mock paging
 * domains in three page-table formats, nested domains with a 4-entry IOTLB, mock devices with
 * NO_DIRTY and PASID flags and a 4-entry cache, and the PASID 1024 failure hook.
 */
public final class MockIommu implements IommuDriver {
  /** Per-device state (struct mock_dev). */
  public static final class MockDev {
    public final long flags;
    public final long[] cache = new long[(int) MOCK_DEV_CACHE_NUM];
    /** The PASID 1024 hook: armed by a non-blocking set, fires once on the next one. */
    boolean pasid1024Armed;
    /** The vIOMMU and virt_id recorded on attach to a vIOMMU-based nested domain. */
    public Object viommu;
    public long vdevId;

    MockDev(long flags) {
      this.flags = flags;
      Arrays.fill(cache, IOMMU_TEST_DEV_CACHE_DEFAULT);
    }

    public boolean noDirty() {
      return (flags & MOCK_FLAGS_DEVICE_NO_DIRTY) != 0;
    }
  }

  /** Per-domain state: the page-table format, or a nested domain's IOTLB and vIOMMU. */
  public static final class MockDomain {
    public final long pagetableType;
    public final long[] iotlb;
    public final Object viommu;

    MockDomain(long pagetableType, long[] iotlb, Object viommu) {
      this.pagetableType = pagetableType;
      this.iotlb = iotlb;
      this.viommu = viommu;
    }
  }

  /** Looks up a device's virt_id in a vIOMMU (iommufd_viommu_get_vdev_id); -1 if none. */
  public interface VdevLookup {
    long vdevId(Object viommu, IommuDevice dev);
  }

  private static final CField ST_IOTLB = iommu_hwpt_selftest.field("iotlb");
  private static final CField ST_PT_TYPE = iommu_hwpt_selftest.field("pagetable_type");

  private final long pageSize;
  private VdevLookup vdevLookup = (v, d) -> v instanceof org.iommufdsim.sim.kernel.iommu.ViommuCore c
      ? c.vdevId(d) : -1;
  private java.util.function.LongFunction<org.iommufdsim.sim.kernel.mm.MemObject> memFactory;

  /** Per-vIOMMU state (struct mock_viommu): the MMIO-like page pair and the HW queue slots. */
  public static final class MockViommu {
    final Object[] hwQueues = new Object[(int) IOMMU_TEST_HW_QUEUE_MAX];
    org.iommufdsim.sim.kernel.mm.MemObject page;
  }

  public void setMemFactory(
      java.util.function.LongFunction<org.iommufdsim.sim.kernel.mm.MemObject> f) {
    memFactory = f;
  }

  private final String instanceName;
  /** Where the mock's own checks record (the kernel's decider once the kernel sets it). */
  private org.iommufdsim.sim.kernel.decide.Decider decider =
      new org.iommufdsim.sim.kernel.decide.Decider();

  @Override
  public void setDecider(org.iommufdsim.sim.kernel.decide.Decider d) {
    decider = d;
  }

  public MockIommu(long pageSize) {
    this(pageSize, "mock_iommu_device");
  }

  public MockIommu(long pageSize, String instanceName) {
    this.pageSize = pageSize;
    this.instanceName = instanceName;
  }

  public void setVdevLookup(VdevLookup lookup) {
    vdevLookup = lookup;
  }

  public static MockDev newDevState(long flags) {
    return new MockDev(flags);
  }

  public static MockDev dev(IommuDevice d) {
    return (MockDev) d.priv();
  }

  @Override
  public String name() {
    return "mock";
  }

  @Override
  public String instance() {
    return instanceName;
  }

  @Override
  public boolean dirtyCapable(IommuDevice dev) {
    return !dev(dev).noDirty();
  }

  @Override
  public boolean userPasidTable() {
    return true;
  }

  /** Mirrors selftest.c: mock_domain_alloc_paging_flags and mock_domain_alloc_pgtable. */
  @Override
  public KResult<IommuDomain> allocPaging(IommuDevice dev, long flags, UserData data) {
    long pagingFlags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_NEST_PARENT
        | IOMMU_HWPT_ALLOC_PASID;
    boolean dirty = (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) != 0;
    if (decider.refuse(MOCK_PAGING_FLAGS,
        (flags & ~pagingFlags) != 0 || (dirty && dev(dev).noDirty()), flags)) {
      return KResult.err(Errno.EOPNOTSUPP, "mock: unsupported paging flags, or DIRTY_TRACKING"
          + " on a NO_DIRTY device");
    }
    long type = MOCK_IOMMUPT_DEFAULT;
    if (data != null) {
      if (decider.refuse(MOCK_PAGING_DATA_TYPE, data.type() != IOMMU_HWPT_DATA_SELFTEST,
          data.type())) {
        return KResult.err(Errno.EOPNOTSUPP, "mock: paging user data must be"
            + " IOMMU_HWPT_DATA_SELFTEST");
      }
      KResult<byte[]> cfg = data.copy(IOMMU_HWPT_DATA_SELFTEST, iommu_hwpt_selftest);
      if (!cfg.isOk()) {
        return cfg.cast();
      }
      type = ST_PT_TYPE.get(cfg.value());
    }
    if (type == MOCK_IOMMUPT_DEFAULT) {
      return KResult.ok(new IommuDomain(IommuDomain.Type.PAGING, this, ~(MOCK_PAGE_SIZE - 1),
          MOCK_APERTURE_START, MOCK_APERTURE_LAST, dirty, null,
          new MockDomain(type, null, null)));
    }
    if (type == MOCK_IOMMUPT_HUGE) {
      return KResult.ok(new IommuDomain(IommuDomain.Type.PAGING, this,
          MOCK_HUGE_PAGE_SIZE | pageSize, 0, (1L << 56) - 1, dirty, null,
          new MockDomain(type, null, null)));
    }
    if (type == MOCK_IOMMUPT_AMDV1) {
      return KResult.ok(new IommuDomain(IommuDomain.Type.PAGING, this, ~(pageSize - 1), 0,
          U64.MAX, dirty, null, new MockDomain(type, null, null)));
    }
    decider.refuse(MOCK_PAGING_PT_TYPE, true, type);
    return KResult.err(Errno.EOPNOTSUPP, "mock: unknown pagetable_type " + type);
  }

  @Override
  public boolean hasNestedAlloc() {
    return true;
  }

  /** Mirrors selftest.c: mock_domain_alloc_nested (on a parent or through a vIOMMU). */
  @Override
  public KResult<IommuDomain> allocNested(IommuDevice dev, IommuDomain parent, long flags,
      UserData data) {
    return allocNested(parent, flags, data, null);
  }

  public KResult<IommuDomain> allocNested(IommuDomain parent, long flags, UserData data,
      Object viommu) {
    if (decider.refuse(MOCK_NESTED_FLAGS, (flags & ~IOMMU_HWPT_ALLOC_PASID) != 0, flags)) {
      return KResult.err(Errno.EOPNOTSUPP, "mock: nested flags other than ALLOC_PASID");
    }
    if (decider.refuse(MOCK_NESTED_PARENT,
        parent.driver() != this || parent.type() != IommuDomain.Type.PAGING)) {
      return KResult.err(Errno.EINVAL, "mock: the parent is not a mock paging domain");
    }
    if (decider.refuse(MOCK_NESTED_DATA_TYPE, data.type() != IOMMU_HWPT_DATA_SELFTEST,
        data.type())) {
      return KResult.err(Errno.EOPNOTSUPP, "mock: nested data_type must be"
          + " IOMMU_HWPT_DATA_SELFTEST");
    }
    KResult<byte[]> cfg = data.copy(IOMMU_HWPT_DATA_SELFTEST, iommu_hwpt_selftest);
    if (!cfg.isOk()) {
      return cfg.cast();
    }
    long[] iotlb = new long[(int) MOCK_NESTED_DOMAIN_IOTLB_NUM];
    Arrays.fill(iotlb, ST_IOTLB.get(cfg.value()));
    return KResult.ok(new IommuDomain(IommuDomain.Type.NESTED, this, parent.pgsizeBitmap(),
        parent.apertureStart(), parent.apertureEnd(), false, parent,
        new MockDomain(MOCK_IOMMUPT_DEFAULT, iotlb, viommu)));
  }

  /** Mirrors selftest.c: mock_domain_nop_attach. */
  @Override
  public Errno attach(IommuDomain domain, IommuDevice dev) {
    MockDev md = dev(dev);
    if (decider.refuse(MOCK_ATTACH_DIRTY, domain.hasDirtyOps() && md.noDirty())) {
      return Errno.EINVAL;
    }
    Object viommu = null;
    long vdevId = 0;
    if (domain.type() == IommuDomain.Type.NESTED && domain.priv() instanceof MockDomain m
        && m.viommu != null) {
      viommu = m.viommu;
      vdevId = vdevLookup.vdevId(viommu, dev);
      if (decider.refuse(MOCK_ATTACH_VDEV, vdevId < 0)) {
        return Errno.ENOENT;
      }
    }
    md.viommu = viommu;
    md.vdevId = vdevId;
    return null;
  }

  /** Mirrors selftest.c: mock_domain_set_dev_pasid_nop (v7.0): the PASID 1024 hook only. */
  @Override
  public Errno setDevPasid(IommuDomain domain, IommuDevice dev, int pasid) {
    MockDev md = dev(dev);
    if (pasid == IOMMU_TEST_PASID_RESERVED) {
      if (domain == null) {
        md.pasid1024Armed = false;
      } else if (md.pasid1024Armed) {
        md.pasid1024Armed = false;
        decider.refused(MOCK_PASID_1024);
        return Errno.ENOMEM;
      } else {
        md.pasid1024Armed = true;
      }
    }
    // v7.0's set_dev_pasid op has no NO_DIRTY check (only mock_domain_nop_attach, the RID
    // attach, has one): a dirty-tracking domain made for another device attaches to a PASID of
    // a NO_DIRTY device. The op's other refusal, mock_dev_enable_iopf's ENODEV without an IOPF
    // queue, cannot happen: the selftest module always creates the queue.
    return null;
  }

  /** Mirrors selftest.c: mock_domain_hw_info. */
  @Override
  public KResult<HwInfo> hwInfo(IommuDevice dev, long requestedType) {
    if (decider.refuse(MOCK_HW_INFO_TYPE, requestedType != IOMMU_HW_INFO_TYPE_DEFAULT
        && requestedType != IOMMU_HW_INFO_TYPE_SELFTEST, requestedType)) {
      return KResult.err(Errno.EOPNOTSUPP, "mock: hw_info type must be DEFAULT or SELFTEST");
    }
    byte[] b = iommu_test_hw_info.newBuffer();
    iommu_test_hw_info.field("test_reg").set(b, IOMMU_HW_INFO_SELFTEST_REGVAL);
    return KResult.ok(new HwInfo(IOMMU_HW_INFO_TYPE_SELFTEST, b));
  }

  private static final CField INV_FLAGS = iommu_hwpt_invalidate_selftest.field("flags");
  private static final CField INV_ID = iommu_hwpt_invalidate_selftest.field("iotlb_id");

  /** Mirrors selftest.c: mock_domain_cache_invalidate_user (nested domains). */
  @Override
  public boolean nestedHasInvalidate() {
    return true;
  }

  @Override
  public Errno cacheInvalidateUser(IommuDomain domain, org.iommufdsim.sim.kernel.iommu.UserArray a) {
    MockDomain md = (MockDomain) domain.priv();
    long processed = 0;
    Errno rc = null;
    if (decider.refuse(MOCK_INVALIDATE_TYPE, a.type() != IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
        a.type())) {
      rc = Errno.EINVAL;
    } else {
      for (long i = 0; i < a.entryNum(); i++) {
        KResult<byte[]> e = a.entry(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
            iommu_hwpt_invalidate_selftest, i);
        if (!e.isOk()) {
          rc = e.errno();
          break;
        }
        long flags = INV_FLAGS.get(e.value());
        long id = INV_ID.get(e.value());
        if (decider.refuse(MOCK_INVALIDATE_FLAGS,
            (flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL) != 0, flags)) {
          rc = Errno.EOPNOTSUPP;
          break;
        }
        if (decider.refuse(MOCK_INVALIDATE_ID, id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX, id)) {
          rc = Errno.EINVAL;
          break;
        }
        if ((flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) != 0) {
          Arrays.fill(md.iotlb, 0);
        } else {
          md.iotlb[(int) id] = 0;
        }
        processed++;
      }
    }
    a.setHandled(processed);
    return rc;
  }

  // ---- vIOMMU (mock_viommu_ops) ----

  private static final CField VS_IN = iommu_viommu_selftest.field("in_data");
  private static final CField VS_OUT = iommu_viommu_selftest.field("out_data");
  private static final CField VS_OFF = iommu_viommu_selftest.field("out_mmap_offset");
  private static final CField VS_LEN = iommu_viommu_selftest.field("out_mmap_length");
  private static final CField VI_FLAGS = iommu_viommu_invalidate_selftest.field("flags");
  private static final CField VI_VDEV = iommu_viommu_invalidate_selftest.field("vdev_id");
  private static final CField VI_CACHE = iommu_viommu_invalidate_selftest.field("cache_id");

  @Override
  public boolean supportsViommu(IommuDevice dev, long type) {
    return type == IOMMU_VIOMMU_TYPE_SELFTEST;
  }

  /** Mirrors selftest.c: mock_viommu_init. */
  @Override
  public Errno viommuInit(org.iommufdsim.sim.kernel.iommu.ViommuCore v, UserData data) {
    MockViommu mv = new MockViommu();
    if (data != null) {
      KResult<byte[]> cfg = data.copy(IOMMU_VIOMMU_TYPE_SELFTEST, iommu_viommu_selftest);
      if (!cfg.isOk()) {
        return cfg.errno();
      }
      byte[] d = cfg.value();
      mv.page = memFactory.apply(2 * pageSize);
      long off = v.allocMmap(mv.page, 2 * pageSize);
      byte[] in = new byte[4];
      VS_IN.set(in, 0, 0);
      for (int i = 0; i < 4; i++) {
        in[i] = (byte) (VS_IN.get(d) >>> (8 * i));
      }
      mv.page.write(0, in, 0, 4);
      VS_OUT.set(d, VS_IN.get(d));
      VS_OFF.set(d, off);
      VS_LEN.set(d, 2 * pageSize);
      long back = Math.min(data.len(), VS_LEN.end());
      if (decider.refuse(MOCK_VIOMMU_COPY_OUT,
          !data.task().mm().copyTo(data.uptr(), Arrays.copyOf(d, (int) back)))) {
        return Errno.EFAULT;
      }
    }
    v.setPriv(mv);
    return null;
  }

  @Override
  public boolean viommuHasNestedAlloc() {
    return true;
  }

  @Override
  public KResult<IommuDomain> viommuAllocNested(org.iommufdsim.sim.kernel.iommu.ViommuCore v,
      long flags, UserData data) {
    return allocNested(v.parentDomain(), flags, data, v);
  }

  @Override
  public boolean viommuHasInvalidate() {
    return true;
  }

  /** Mirrors selftest.c: mock_viommu_cache_invalidate. */
  @Override
  public Errno viommuInvalidate(org.iommufdsim.sim.kernel.iommu.ViommuCore v,
      org.iommufdsim.sim.kernel.iommu.UserArray a) {
    if (a.entryNum() == 0 && a.type() == IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST) {
      a.setHandled(0);
      return null;
    }
    if (a.allocFails("kcalloc(iommu_viommu_invalidate_selftest)")) {
      a.setHandled(a.entryNum()); // returns before array->entry_num is rewritten
      return Errno.ENOMEM;
    }
    KResult<java.util.List<byte[]>> cmds =
        a.fullArray(IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, iommu_viommu_invalidate_selftest);
    if (!cmds.isOk()) {
      a.setHandled(0);
      return cmds.errno();
    }
    long i = 0;
    Errno rc = null;
    for (byte[] c : cmds.value()) {
      long flags = VI_FLAGS.get(c);
      long cache = VI_CACHE.get(c);
      if (decider.refuse(MOCK_VIOMMU_INV_FLAGS,
          (flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL) != 0, flags)) {
        rc = Errno.EOPNOTSUPP;
        break;
      }
      if (decider.refuse(MOCK_VIOMMU_INV_CACHE, cache > MOCK_DEV_CACHE_ID_MAX, cache)) {
        rc = Errno.EINVAL;
        break;
      }
      IommuDevice dev = v.findDev(VI_VDEV.get(c));
      if (decider.refuse(MOCK_VIOMMU_INV_VDEV, dev == null || !(dev.priv() instanceof MockDev),
          VI_VDEV.get(c)) || !(dev.priv() instanceof MockDev md)) {
        rc = Errno.EINVAL;
        break;
      }
      if ((flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) != 0) {
        Arrays.fill(md.cache, 0);
      } else {
        md.cache[(int) cache] = 0;
      }
      i++;
    }
    a.setHandled(i);
    return rc;
  }

  @Override
  public boolean supportsHwQueue(org.iommufdsim.sim.kernel.iommu.ViommuCore v, long type) {
    return type == IOMMU_HW_QUEUE_TYPE_SELFTEST;
  }

  /** Mirrors selftest.c: mock_hw_queue_init_phys. */
  @Override
  public Errno hwQueueInit(org.iommufdsim.sim.kernel.iommu.ViommuCore v, Object queue,
      long index, Object[] dependsOn) {
    MockViommu mv = (MockViommu) v.priv();
    if (decider.refuse(MOCK_HW_QUEUE_INDEX, index >= IOMMU_TEST_HW_QUEUE_MAX || index < 0,
        index)) {
      return Errno.EINVAL;
    }
    if (decider.refuse(MOCK_HW_QUEUE_TAKEN, mv.hwQueues[(int) index] != null, index)) {
      return Errno.EEXIST;
    }
    if (index > 0) {
      Object prev = mv.hwQueues[(int) index - 1];
      if (decider.refuse(MOCK_HW_QUEUE_ORDER, prev == null, index)) {
        return Errno.EIO;
      }
      dependsOn[0] = prev;
    }
    mv.hwQueues[(int) index] = queue;
    return null;
  }

  @Override
  public void hwQueueDestroy(org.iommufdsim.sim.kernel.iommu.ViommuCore v, Object queue) {
    MockViommu mv = (MockViommu) v.priv();
    for (int i = 0; i < mv.hwQueues.length; i++) {
      if (mv.hwQueues[i] == queue) {
        mv.hwQueues[i] = null;
      }
    }
  }

  /**
   * The mock's page sizes: 2 KiB entries for the default format, 1 MiB entries in the HUGE
   * format wherever an aligned 1 MiB block is mapped whole and physically aligned (else
   * PAGE_SIZE), PAGE_SIZE for the AMDv1 format.
   */
  @Override
  public long ioPageSize(IommuDomain d, long iova, long first, long last, long phys) {
    long type = d.priv() instanceof MockDomain m ? m.pagetableType : MOCK_IOMMUPT_DEFAULT;
    if (type == MOCK_IOMMUPT_HUGE) {
      long huge = MOCK_HUGE_PAGE_SIZE;
      long block = iova & -huge;
      if (U64.le(first, block) && U64.le(block + huge - 1, last)
          && (phys - (iova - block)) % huge == 0) {
        return huge;
      }
      return pageSize;
    }
    return type == MOCK_IOMMUPT_AMDV1 ? pageSize : MOCK_PAGE_SIZE;
  }

  /** Mirrors selftest.c: mock_domain_set_dirty_tracking. */
  @Override
  public Errno setDirtyTracking(IommuDomain domain, boolean enable) {
    if (decider.refuse(MOCK_SET_DIRTY, !domain.hasDirtyOps())) {
      return Errno.EINVAL;
    }
    domain.setDirtyTracking(enable);
    return null;
  }
}
