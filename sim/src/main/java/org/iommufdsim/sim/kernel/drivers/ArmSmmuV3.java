package org.iommufdsim.sim.kernel.drivers;

import static org.iommufdsim.sim.kernel.decide.SmmuCheck.*;

import static org.iommufdsim.sim.kernel.drivers.SmmuRegisters.*;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_PASID;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_DATA_ARM_SMMUV3;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HW_INFO_TYPE_DEFAULT;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_hw_info_arm_smmuv3;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_arm_smmuv3;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_vevent_arm_smmuv3;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_viommu_arm_smmuv3_invalidate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.iommufdsim.sim.kernel.decide.Decider;
import java.util.Map;
import java.util.TreeSet;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iommu.IommuDriver;
import org.iommufdsim.sim.kernel.iommu.IommuGroup;
import org.iommufdsim.sim.kernel.iommu.UserArray;
import org.iommufdsim.sim.kernel.iommu.UserData;
import org.iommufdsim.sim.kernel.iommu.ViommuCore;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/**
 * One Arm SMMUv3 under the Linux v7.0 driver (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c and
 * arm-smmu-v3-iommufd.c), as far as iommufd can see it. Paging domains are stage 1 by default
 * and stage 2 for a NEST_PARENT. Nesting goes only through a vIOMMU of type
 * IOMMU_VIOMMU_TYPE_ARM_SMMUV3 on a stage-2 nest parent of the same SMMU: the guest gives a
 * virtual Stream Table Entry (IOMMU_HWPT_DATA_ARM_SMMUV3), registers each device's virtual
 * StreamID as the vdevice's virt_id, sends its command-queue invalidations through the
 * vIOMMU (vSID translated to the physical SID, VMID forced), and receives its stage-1 events
 * through a vEVENTQ (physical SID translated back to the vSID).
 *
 * <p>Options (besides the common ones): {@code nesting=on|off} (IDR0.S2P, default on),
 * {@code ats=on|off} (IDR0.ATS, default on), {@code stall=on|off} (IDR0.STALL_MODEL, default
 * off), {@code fwb=on|off} (IDR3.FWB, default on; a vIOMMU needs it), {@code gran4k},
 * {@code gran16k}, {@code gran64k} {@code =on|off} (the IDR5 translation granules, all on by
 * default; io-pgtable picks the one its domains use from them and PAGE_SIZE), and the
 * device-level
 * {@code sid=N} (the device's StreamID; by default 0x100, 0x108, ... in device order, as
 * PCI requester IDs on bus 1 would be). {@code dirty} sets IDR0.HTTU to access+dirty and
 * {@code pri} sets IDR0.PRI; both belong to the SMMU, so devices sharing one
 * ({@code iommu=NAME}) must agree on them and on the driver options.
 *
 * <p>Test hook: {@link #reportEvent} makes the modelled SMMU raise an event-queue record for a
 * device, as its event-queue interrupt thread would hand it to arm_smmu_handle_event.
 *
 * <p>Simplification: dirty bits are kept per smallest IO page (the default
 * {@link IommuDriver#ioPageSize}); a dirty superpage is not reported at its own size.
 */
public final class ArmSmmuV3 implements IommuDriver {
  public static final String DRIVER = "arm_smmuv3";
  /** The software MSI window every device reports as IOMMU_RESV_SW_MSI. */
  public static final long MSI_IOVA_BASE = 0x8000000L;
  public static final long MSI_IOVA_LENGTH = 0x100000L;
  private static final long SID_AUTO_BASE = 0x100;
  private static final long SID_AUTO_STRIDE = 8;

  /** The SMMU's configuration, from the {@code @device} options. */
  public record Config(boolean nesting, boolean dirty, boolean pri, boolean ats, boolean stall,
      boolean fwb, boolean gran4k, boolean gran16k, boolean gran64k) {
    public static final List<String> OPTIONS = List.of("nesting", "ats", "stall", "fwb", "sid",
        "gran4k", "gran16k", "gran64k");

    /** Reads the options; {@link IllegalArgumentException} names a bad or unknown one. */
    public static Config parse(Map<String, String> options) {
      DriverOptions o = new DriverOptions(DRIVER, options, OPTIONS);
      Config c = new Config(o.onOff("nesting", true), o.onOff("dirty", true),
          o.onOff("pri", true), o.onOff("ats", true), o.onOff("stall", false),
          o.onOff("fwb", true), o.onOff("gran4k", true), o.onOff("gran16k", true),
          o.onOff("gran64k", true));
      if (!c.gran4k && !c.gran16k && !c.gran64k) {
        throw new IllegalArgumentException(DRIVER + ": an SMMU has at least one translation"
            + " granule (gran4k, gran16k, gran64k cannot all be off)");
      }
      return c;
    }

    public static Config defaults() {
      return parse(Map.of());
    }

    /** The device-level {@code sid=N} option, or -1 when absent (16-bit StreamIDs). */
    public static long sid(Map<String, String> options) {
      DriverOptions o = new DriverOptions(DRIVER, options, OPTIONS);
      return o.has("sid") ? o.number("sid", 0, 0, 0xffff) : -1;
    }
  }

  /** The translation stage of a paging domain. */
  public enum Stage {
    S1,
    S2
  }

  /** A paging domain (struct arm_smmu_domain): its SMMU, stage, VMID (S2) and nest flag. */
  public record Paging(ArmSmmuV3 smmu, Stage stage, int vmid, boolean nestParent) {}

  /**
   * A nested domain (struct arm_smmu_nested_domain): the vIOMMU it belongs to and the guest's
   * validated STE words (EATS cleared, kept as {@code enableAts}).
   */
  public record Nested(ArmSmmuV3 smmu, ViommuCore viommu, long ste0, long ste1,
      boolean enableAts) {
    public int cfg() {
      return steCfg(ste0);
    }
  }

  /** Per-vIOMMU state (struct arm_vsmmu): the stage-2 parent and the VMID commands get. */
  public record Vsmmu(IommuDomain s2Parent, int vmid) {}

  /** A command the modelled command queue executed (after conversion), in host order. */
  public record Command(long cmd0, long cmd1) {
    public int opcode() {
      return (int) (cmd0 & CMDQ_0_OP);
    }
  }

  /** Per-device state (struct arm_smmu_master): its StreamID and its vmaster, if any. */
  public static final class Master {
    public final int sid;
    ViommuCore vmasterViommu;
    IommuDomain vmasterDomain;
    long vsid;

    Master(int sid) {
      this.sid = sid;
    }
  }

  private static final CField STE0 = iommu_hwpt_arm_smmuv3.field("ste[0]");
  private static final CField STE1 = iommu_hwpt_arm_smmuv3.field("ste[1]");
  private static final CField CMD0 = iommu_viommu_arm_smmuv3_invalidate.field("cmd[0]");
  private static final CField CMD1 = iommu_viommu_arm_smmuv3_invalidate.field("cmd[1]");

  private final String smmuName;
  private final Config config;
  private final long pageSize;
  private final int[] idr;
  private final TreeSet<Integer> sids = new TreeSet<>();
  private final List<Command> commands = new ArrayList<>();
  private int nextVmid = 1;

  /** An SMMU on a host whose CPU page size is {@code pageSize} (io-pgtable picks it). */
  public ArmSmmuV3(String smmuName, Config config, long pageSize) {
    this.smmuName = smmuName;
    this.config = config;
    this.pageSize = pageSize;
    this.idr = SmmuRegisters.idr(config);
  }

  /**
   * A PCI device behind this SMMU with StreamID {@code sid} (-1: the next free automatic one;
   * Simplification: one StreamID per device, as iommufd's vSID translation assumes),
   * with the SW_MSI reserved region. {@link IllegalArgumentException} for a StreamID in use.
   */
  public IommuDevice newDevice(String name, IommuGroup group, int pasidBits, long sid) {
    int s = (int) sid;
    if (sid < 0) {
      s = (int) SID_AUTO_BASE;
      while (sids.contains(s)) {
        s += (int) SID_AUTO_STRIDE;
      }
    } else if (sids.contains(s)) {
      throw new IllegalArgumentException(DRIVER + ": StreamID 0x" + Integer.toHexString(s)
          + " is already used on " + smmuName);
    }
    sids.add(s);
    IommuDevice d = new IommuDevice(name, this, group, pasidBits, dbmCapable(), config.pri(),
        new Master(s));
    d.reservedRegions().add(new IommuDevice.ReservedRegion(MSI_IOVA_BASE,
        MSI_IOVA_BASE + MSI_IOVA_LENGTH - 1, true));
    return d;
  }

  public static Master master(IommuDevice dev) {
    return (Master) dev.priv();
  }

  public Config config() {
    return config;
  }

  /** IDR0..IDR5 as GET_HW_INFO reports them. */
  public int[] idr() {
    return idr.clone();
  }

  /** Every command the vIOMMU invalidations issued, CMD_SYNC included, in order. */
  public List<Command> commandLog() {
    return Collections.unmodifiableList(commands);
  }

  @Override
  public String name() {
    return DRIVER;
  }

  @Override
  public String instance() {
    return smmuName;
  }

  // ---- features, as arm_smmu_device_hw_probe derives them from the ID registers ----

  private boolean transS1() {
    return has(idr[0], IDR0_S1P);
  }

  private boolean transS2() {
    return has(idr[0], IDR0_S2P);
  }

  /** ARM_SMMU_FEAT_NESTING: both stages. */
  boolean nestingSupported() {
    return transS1() && transS2();
  }

  /** arm_smmu_dbm_capable: HTTU with dirty state and coherent table walks. */
  private boolean dbmCapable() {
    return field(idr[0], IDR0_HTTU, 2) == 2 && has(idr[0], IDR0_COHACC);
  }

  private boolean s2fwb() {
    return has(idr[3], IDR3_FWB);
  }

  @Override
  public boolean dirtyCapable(IommuDevice dev) {
    return dbmCapable();
  }

  /** arm_smmu_ops.user_pasid_table = 1: the guest owns the CD (PASID) table. */
  @Override
  public boolean userPasidTable() {
    return true;
  }

  // ---- paging domains ----

  /**
   * Mirrors arm_smmu_domain_alloc_paging_flags: unknown flags or any user data is EOPNOTSUPP;
   * flags 0 make a stage-1 domain (stage 2 without S1P); NEST_PARENT alone makes a stage-2
   * nest parent (EOPNOTSUPP without nesting); DIRTY_TRACKING and/or PASID make a stage-1
   * domain; every other combination (NEST_PARENT with anything) is EOPNOTSUPP.
   */
  private Decider decider = new Decider();

  @Override
  public void setDecider(Decider d) {
    decider = d;
  }

  @Override
  public KResult<IommuDomain> allocPaging(IommuDevice dev, long flags, UserData data) {
    long dirty = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
    long pasid = IOMMU_HWPT_ALLOC_PASID;
    if (decider.refuse(SMMU_PAGING_FLAGS,
        (flags & ~(dirty | pasid | IOMMU_HWPT_ALLOC_NEST_PARENT)) != 0 || data != null, flags)) {
      return KResult.err(Errno.EOPNOTSUPP, "arm_smmuv3: unknown flags or user data");
    }
    Stage stage;
    if (flags == 0) {
      stage = transS1() ? Stage.S1 : Stage.S2;
    } else if (flags == IOMMU_HWPT_ALLOC_NEST_PARENT) {
      if (decider.refuse(SMMU_PAGING_NEST, !nestingSupported())) {
        return KResult.err(Errno.EOPNOTSUPP, "arm_smmuv3: the SMMU cannot nest (no S1P+S2P)");
      }
      stage = Stage.S2;
    } else if (flags == dirty || flags == (dirty | pasid) || flags == pasid) {
      if (decider.refuse(SMMU_PAGING_S1, !transS1())) {
        return KResult.err(Errno.EOPNOTSUPP, "arm_smmuv3: DIRTY_TRACKING and PASID need a"
            + " stage-1 domain");
      }
      stage = Stage.S1;
    } else {
      decider.refuse(SMMU_PAGING_COMBO, true, flags);
      return KResult.err(Errno.EOPNOTSUPP, "arm_smmuv3: NEST_PARENT takes no other flag");
    }
    return KResult.ok(finalise(stage, flags));
  }

  /**
   * Mirrors arm_smmu_domain_finalise: the io-pgtable page sizes for the CPU page size, a
   * 48-bit input range for either stage (IDR5.OAS 48, no VAX; VA_BITS assumed 48), a VMID for
   * stage 2, dirty ops for a DIRTY_TRACKING stage-1 domain.
   */
  private IommuDomain finalise(Stage stage, long flags) {
    boolean nest = flags == IOMMU_HWPT_ALLOC_NEST_PARENT;
    boolean dirty = (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) != 0;
    // Simplification: VMIDs are never freed (the model has no domain-free hook); only the
    // command log shows them.
    int vmid = stage == Stage.S2 ? nextVmid++ : 0;
    // Simplification: a kernel built with VA_BITS = 48; with VA_BITS = 52 and IDR5.VAX the
    // stage-1 range would be 52 bits (this SMMU has no VAX anyway).
    long last = (1L << 48) - 1;
    return new IommuDomain(IommuDomain.Type.PAGING, this, lpaePageSizes(), 0, last,
        dirty && stage == Stage.S1, null, new Paging(this, stage, vmid, nest));
  }

  /**
   * The SMMU's page sizes (IDR5 granules) restricted as arm_lpae_restrict_pgsizes does: the
   * CPU page size if the SMMU has it as a granule, else the largest smaller granule, else the
   * smallest larger one; then that granule's block sizes.
   */
  long lpaePageSizes() {
    long smmu = 0;
    if (has(idr[5], IDR5_GRAN64K)) {
      smmu |= (1L << 16) | (1L << 29);
    }
    if (has(idr[5], IDR5_GRAN16K)) {
      smmu |= (1L << 14) | (1L << 25);
    }
    if (has(idr[5], IDR5_GRAN4K)) {
      smmu |= (1L << 12) | (1L << 21) | (1L << 30);
    }
    long granule;
    if ((smmu & pageSize) != 0) {
      granule = pageSize;
    } else if ((smmu & (pageSize - 1)) != 0) {
      granule = Long.highestOneBit(smmu & (pageSize - 1));
    } else {
      granule = Long.lowestOneBit(smmu & ~(pageSize - 1));
    }
    long sizes = switch (Long.numberOfTrailingZeros(granule)) {
      case 12 -> (1L << 12) | (1L << 21) | (1L << 30);
      case 14 -> (1L << 14) | (1L << 25);
      case 16 -> (1L << 16) | (1L << 29);
      default -> 0;
    };
    return sizes & smmu;
  }

  /**
   * arm_smmu_ops has no domain_alloc_nested: a nested domain on a paging parent is refused by
   * iommufd (EOPNOTSUPP); SMMUv3 nests only through a vIOMMU.
   */
  @Override
  public boolean hasNestedAlloc() {
    return false;
  }

  @Override
  public KResult<IommuDomain> allocNested(IommuDevice dev, IommuDomain parent, long flags,
      UserData data) {
    decider.refuse(SMMU_NESTED_OP, true);
    return KResult.err(Errno.EOPNOTSUPP, "arm_smmuv3: nested domains come from a vIOMMU");
  }

  // ---- attach ----

  /**
   * Mirrors arm_smmu_attach_dev (paging) and arm_smmu_attach_dev_nested: a domain of another
   * SMMU is EINVAL; a stage-2 or nested domain while PASIDs of the device are attached is
   * EBUSY (the STE cannot also point at the CD table); a stage-1 translating nested domain
   * needs the device to have a vdevice on the domain's vIOMMU (ENOENT from
   * iommufd_viommu_get_vdev_id), while an abort or bypass vSTE does not. The attach records
   * or clears the device's vmaster (where its events go).
   */
  @Override
  public Errno attach(IommuDomain domain, IommuDevice dev) {
    Master m = master(dev);
    // Another driver's domain: the IOMMU core's owner check (domain->owner != ops), EINVAL.
    return switch (domain.priv()) {
      case Paging p -> attachPaging(p, dev, m);
      case Nested n -> attachNested(domain, n, dev, m);
      case null -> !decider.refuse(SMMU_ATTACH_OWNER, domain.type() != IommuDomain.Type.BLOCKED)
          ? setVmaster(m, null, null, 0) : Errno.EINVAL;
      default -> decider.refuse(SMMU_ATTACH_OWNER, true) ? Errno.EINVAL : null;
    };
  }

  // Simplification: a fault-capable domain never fails here: arm_smmu_enable_iopf only acts
  // for stall-capable (platform) masters and returns 0 for the PCI devices modelled; ATS
  // enabling (EATS, pci_enable_ats) has no uAPI-visible failure and is not modelled.

  private Errno attachPaging(Paging p, IommuDevice dev, Master m) {
    if (decider.refuse(SMMU_ATTACH_OWNER, p.smmu() != this)) {
      return Errno.EINVAL;
    }
    if (decider.refuse(SMMU_ATTACH_SSIDS, p.stage() == Stage.S2 && ssidsInUse(dev))) {
      return Errno.EBUSY;
    }
    return setVmaster(m, null, null, 0);
  }

  private Errno attachNested(IommuDomain domain, Nested n, IommuDevice dev, Master m) {
    if (decider.refuse(SMMU_ATTACH_OWNER, n.smmu() != this)) {
      return Errno.EINVAL;
    }
    if (decider.refuse(SMMU_ATTACH_SSIDS, ssidsInUse(dev))) {
      return Errno.EBUSY;
    }
    long vsid = n.viommu().vdevId(dev);
    if (vsid < 0) {
      if (!decider.refuse(SMMU_ATTACH_VDEV, n.cfg() != CFG_ABORT && n.cfg() != CFG_BYPASS)) {
        return setVmaster(m, null, null, 0);
      }
      return Errno.ENOENT;
    }
    return setVmaster(m, n.viommu(), domain, vsid);
  }

  private static Errno setVmaster(Master m, ViommuCore v, IommuDomain d, long vsid) {
    m.vmasterViommu = v;
    m.vmasterDomain = d;
    m.vsid = vsid;
    return null;
  }

  /** arm_smmu_ssids_in_use: some PASID of the device is attached. */
  private static boolean ssidsInUse(IommuDevice dev) {
    return !dev.pasidDomains().isEmpty();
  }

  /**
   * Mirrors arm_smmu_s1_set_dev_pasid and arm_smmu_set_pasid. Null is the blocking domain.
   * A nested domain has no set_dev_pasid op, so iommu_attach_device_pasid refuses it with
   * EOPNOTSUPP; another SMMU's domain or a stage-2 domain is EINVAL; so is a PASID while the
   * RID is attached to a stage-2 or nested domain (its STE has no CD table to put it in).
   */
  @Override
  public Errno setDevPasid(IommuDomain domain, IommuDevice dev, int pasid) {
    if (domain == null) {
      return null;
    }
    // Unverified: the EOPNOTSUPP comes from iommu_attach_device_pasid (iommu.c), not re-read.
    if (decider.refuse(SMMU_PASID_PAGING, domain.type() != IommuDomain.Type.PAGING)) {
      return Errno.EOPNOTSUPP;
    }
    if (decider.refuse(SMMU_PASID_S1, !(domain.priv() instanceof Paging p)
        || p.smmu() != this || p.stage() != Stage.S1)) {
      return Errno.EINVAL;
    }
    IommuDomain rid = dev.ridDomain();
    boolean cdTableInSte = rid != null && rid.priv() instanceof Paging rp
        && rp.stage() == Stage.S1;
    if (decider.refuse(SMMU_PASID_RID, rid != null && !cdTableInSte)) {
      return Errno.EINVAL;
    }
    return null;
  }

  // ---- hw_info and dirty tracking ----

  /** Mirrors arm_smmu_hw_info: DEFAULT or ARM_SMMUV3 (no impl_ops here), else EOPNOTSUPP. */
  @Override
  public KResult<HwInfo> hwInfo(IommuDevice dev, long requestedType) {
    if (decider.refuse(SMMU_HW_INFO_TYPE, requestedType != IOMMU_HW_INFO_TYPE_DEFAULT
        && requestedType != IOMMU_HW_INFO_TYPE_ARM_SMMUV3, requestedType)) {
      return KResult.err(Errno.EOPNOTSUPP, "arm_smmuv3: hw_info type must be DEFAULT or"
          + " ARM_SMMUV3");
    }
    byte[] b = iommu_hw_info_arm_smmuv3.newBuffer();
    for (int i = 0; i < 6; i++) {
      iommu_hw_info_arm_smmuv3.field("idr[" + i + "]").set(b, idr[i] & 0xffffffffL);
    }
    iommu_hw_info_arm_smmuv3.field("iidr").set(b, IIDR);
    iommu_hw_info_arm_smmuv3.field("aidr").set(b, AIDR);
    return KResult.ok(new HwInfo(IOMMU_HW_INFO_TYPE_ARM_SMMUV3, b));
  }

  /**
   * Mirrors arm_smmu_set_dirty_tracking: HTTU keeps dirty state always on, so this only
   * records the state.
   */
  @Override
  public Errno setDirtyTracking(IommuDomain domain, boolean enable) {
    domain.setDirtyTracking(enable);
    return null;
  }

  // ---- vIOMMU (arm_vsmmu_ops) ----

  /**
   * Mirrors arm_smmu_get_viommu_size: only IOMMU_VIOMMU_TYPE_ARM_SMMUV3, only on an SMMU that
   * nests and can keep the guest from making memory non-coherent.
   */
  @Override
  public boolean supportsViommu(IommuDevice dev, long type) {
    // Simplification: the IORT CANWBS root-complex attribute is false for every device, so
    // only IDR3.FWB (S2FWB) qualifies; the CMDQ_FORCE_SYNC erratum option is not modelled.
    return type == IOMMU_VIOMMU_TYPE_ARM_SMMUV3 && nestingSupported() && s2fwb();
  }

  /**
   * Mirrors arm_vsmmu_init: the parent must be a domain of this SMMU (EINVAL otherwise); the
   * vIOMMU takes over the parent's VMID. User data is ignored for this type.
   */
  @Override
  public Errno viommuInit(ViommuCore viommu, UserData data) {
    IommuDomain parent = viommu.parentDomain();
    if (decider.refuse(SMMU_VIOMMU_PARENT, !(parent.priv() instanceof Paging pp)
        || pp.smmu() != this) || !(parent.priv() instanceof Paging p)) {
      return Errno.EINVAL;
    }
    viommu.setPriv(new Vsmmu(parent, p.vmid()));
    return null;
  }

  @Override
  public boolean viommuHasNestedAlloc() {
    return true;
  }

  /**
   * Mirrors arm_vsmmu_alloc_domain_nested: no flags (EOPNOTSUPP, PASID included), then the
   * copy of struct iommu_hwpt_arm_smmuv3 (16 bytes exactly, EINVAL otherwise), then
   * arm_smmu_validate_vste (EIO).
   */
  @Override
  public KResult<IommuDomain> viommuAllocNested(ViommuCore viommu, long flags, UserData data) {
    if (decider.refuse(SMMU_NESTED_FLAGS, flags != 0, flags)) {
      return KResult.err(Errno.EOPNOTSUPP, "arm_smmuv3: nested domains take no flags");
    }
    KResult<byte[]> arg = data.copy(IOMMU_HWPT_DATA_ARM_SMMUV3, iommu_hwpt_arm_smmuv3);
    if (!arg.isOk()) {
      return arg.cast();
    }
    long[] ste = {STE0.get(arg.value()), STE1.get(arg.value())};
    boolean[] ats = new boolean[1];
    String bad = validateVste(ste, ats);
    if (decider.refuseWith(SMMU_VSTE, bad == null ? null : Errno.EIO, bad)) {
      return KResult.err(Errno.EIO, "arm_smmuv3: invalid vSTE: " + bad);
    }
    IommuDomain parent = viommu.parentDomain();
    return KResult.ok(new IommuDomain(IommuDomain.Type.NESTED, this, parent.pgsizeBitmap(),
        parent.apertureStart(), parent.apertureEnd(), false, parent,
        new Nested(this, viommu, ste[0], ste[1] & ~STE1_EATS, ats[0])));
  }

  /**
   * Mirrors arm_smmu_validate_vste, in place: a non-valid STE is zeroed and accepted (it will
   * be installed as an abort STE); otherwise only the nesting-allowed fields may be set, the
   * Config must be abort, bypass or S1-translate, and EATS must be 0 (abort) or 1 (translate;
   * enables ATS for an S1-translate STE). Returns why the STE is refused, or null.
   */
  static String validateVste(long[] ste, boolean[] enableAts) {
    if ((ste[0] & STE0_V) == 0) {
      ste[0] = 0;
      ste[1] = 0;
      return null;
    }
    if ((ste[0] & ~STE0_NESTING_ALLOWED) != 0 || (ste[1] & ~STE1_NESTING_ALLOWED) != 0) {
      return "bits outside the nesting-allowed fields";
    }
    int cfg = steCfg(ste[0]);
    if (cfg != CFG_ABORT && cfg != CFG_BYPASS && cfg != CFG_S1_TRANS) {
      return "Config " + cfg + " is not abort, bypass or S1-translate";
    }
    int eats = (int) ((ste[1] & STE1_EATS) >>> STE1_EATS_SHIFT);
    ste[1] &= ~STE1_EATS;
    if (eats != EATS_ABT && eats != EATS_TRANS) {
      return "EATS " + eats + " is neither abort nor full ATS";
    }
    if (cfg == CFG_S1_TRANS) {
      enableAts[0] = eats == EATS_TRANS;
    }
    return null;
  }

  @Override
  public boolean viommuHasInvalidate() {
    return true;
  }

  /**
   * Mirrors arm_vsmmu_cache_invalidate: the whole array is copied first (another data type or
   * an empty array is EINVAL, a long entry with a non-zero tail E2BIG, a bad pointer EFAULT;
   * all with 0 handled); then each command is converted in order (arm_vsmmu_convert_user_cmd)
   * and the converted commands are issued in batches of 63, each followed by a CMD_SYNC. A
   * command that cannot be converted is EIO and stops the loop: {@code entry_num} counts the
   * commands converted before it, but, as in the kernel, those of the unfinished batch were
   * never issued.
   */
  @Override
  public Errno viommuInvalidate(ViommuCore viommu, UserArray a) {
    a.setHandled(0);
    if (a.allocFails("kcalloc(arm_vsmmu_invalidation_cmd)")) {
      a.setHandled(a.entryNum()); // returns before array->entry_num is rewritten
      return Errno.ENOMEM;
    }
    if (decider.refuse(SMMU_INV_ARRAY,
        a.type() != IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 || a.entryNum() == 0)) {
      return Errno.EINVAL;
    }
    KResult<List<byte[]>> all =
        a.fullArray(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, iommu_viommu_arm_smmuv3_invalidate);
    if (!all.isOk()) {
      return all.errno();
    }
    Vsmmu vs = (Vsmmu) viommu.priv();
    List<Command> batch = new ArrayList<>();
    List<byte[]> in = all.value();
    int i = 0;
    Errno rc = null;
    // Simplification: the command queue never fails (no CMDQ errors or timeouts).
    for (; i < in.size(); i++) {
      long[] c = {CMD0.get(in.get(i)), CMD1.get(in.get(i))};
      rc = convert(viommu, vs, c);
      if (rc != null) {
        break;
      }
      batch.add(new Command(c[0], c[1]));
      if (batch.size() == BATCH || i + 1 == in.size()) {
        commands.addAll(batch);
        commands.add(new Command(OP_CMD_SYNC, 0));
        batch.clear();
      }
    }
    a.setHandled(i);
    return rc;
  }

  /**
   * Mirrors arm_vsmmu_convert_user_cmd, in place: TLBI_NSNH_ALL becomes TLBI_NH_ALL of the
   * vIOMMU's VMID; TLBI_NH_VA/VAA/ALL/ASID get the VMID forced; ATC_INV, CFGI_CD and
   * CFGI_CD_ALL get their vSID replaced by the device's physical SID (EIO when no vdevice of
   * this vIOMMU has that vSID); every other opcode is EIO.
   */
  private Errno convert(ViommuCore viommu, Vsmmu vs, long[] c) {
    long vmid = (long) vs.vmid() << 32;
    switch ((int) (c[0] & CMDQ_0_OP)) {
      case OP_TLBI_NSNH_ALL -> {
        c[0] = OP_TLBI_NH_ALL | vmid;
        c[1] = 0;
      }
      case OP_TLBI_NH_VA, OP_TLBI_NH_VAA, OP_TLBI_NH_ALL, OP_TLBI_NH_ASID ->
          c[0] = (c[0] & ~TLBI_0_VMID) | vmid;
      case OP_ATC_INV, OP_CFGI_CD, OP_CFGI_CD_ALL -> {
        IommuDevice dev = viommu.findDev(c[0] >>> 32);
        if (decider.refuse(SMMU_CMD_SID, dev == null || !(dev.priv() instanceof Master), c[0] >>> 32)
            || !(dev.priv() instanceof Master m)) {
          return Errno.EIO;
        }
        c[0] = (c[0] & ~CMD_0_SID) | ((m.sid & 0xffffffffL) << 32);
      }
      default -> {
        decider.refuse(SMMU_CMD_OPCODE, true, c[0] & CMDQ_0_OP);
        return Errno.EIO;
      }
    }
    return null;
  }

  // ---- events (test hook) ----

  /**
   * Makes this SMMU raise the event-queue record {@code evt} (4 words, as the hardware writes
   * them) for {@code dev}; the StreamID field of word 0 is set to the device's SID first. A
   * test hook the iommufd core can call from a test op. Mirrors arm_smmu_handle_event and
   * arm_vmaster_report_event: a device not behind this SMMU is EINVAL; a stall event goes to
   * the I/O page fault path (not modelled here: EOPNOTSUPP); a stage-2 event, or a device with
   * no vmaster (not attached to a translating nested domain through a vdevice), is EOPNOTSUPP
   * (the host keeps it); otherwise the record, with the vSID in place of the SID, goes to the
   * vIOMMU's vEVENTQ of type ARM_SMMUV3 (EOPNOTSUPP when there is none). Null when queued.
   */
  public Errno reportEvent(IommuDevice dev, long[] evt) {
    if (dev.driver() != this || evt.length != 4) {
      return Errno.EINVAL;
    }
    Master m = master(dev);
    long[] raw = evt.clone();
    raw[0] = (raw[0] & ~EVTQ_0_SID) | ((m.sid & 0xffffffffL) << 32);
    if ((raw[1] & EVTQ_1_STALL) != 0) {
      // Simplification: stall events go to iommu_report_device_fault (the I/O page fault
      // path), which this hook does not model.
      return Errno.EOPNOTSUPP;
    }
    // Simplification: iommufd detaches without calling the driver, so a vmaster whose domain
    // is no longer the device's RID domain counts as cleared (the blocked-domain attach would
    // have cleared it).
    boolean vmaster = m.vmasterDomain != null && dev.ridDomain() == m.vmasterDomain;
    if (!vmaster || (raw[1] & EVTQ_1_S2) != 0) {
      return Errno.EOPNOTSUPP;
    }
    byte[] payload = iommu_vevent_arm_smmuv3.newBuffer();
    raw[0] = (raw[0] & ~EVTQ_0_SID) | ((m.vsid & 0xffffffffL) << 32);
    for (int i = 0; i < 4; i++) {
      iommu_vevent_arm_smmuv3.field("evt[" + i + "]").set(payload, raw[i]);
    }
    return m.vmasterViommu.reportEvent(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, payload);
  }

  /** {@link #reportEvent} of a stage-1 F_TRANSLATION (0x10) read fault at {@code iova}. */
  public Errno reportTranslationFault(IommuDevice dev, long iova) {
    long readBit = 1L << 35;
    return reportEvent(dev, new long[] {EVT_ID_TRANSLATION_FAULT, readBit, iova, 0});
  }

  @Override
  public String toString() {
    return DRIVER + " " + smmuName;
  }
}
