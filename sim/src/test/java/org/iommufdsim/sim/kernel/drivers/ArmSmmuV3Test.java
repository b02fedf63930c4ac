package org.iommufdsim.sim.kernel.drivers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iommufdsim.sim.kernel.drivers.SmmuRegisters.*;
import static org.iommufdsim.sim.uapi.IommufdUapi.*;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iommu.IommuGroup;
import org.iommufdsim.sim.kernel.iommu.UserArray;
import org.iommufdsim.sim.kernel.iommu.UserData;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.junit.jupiter.api.Test;

/** The SMMUv3 driver model refuses and accepts exactly what Linux v7.0's arm-smmu-v3 does. */
class ArmSmmuV3Test {
  private static final long SZ_4K = 1L << 12;
  private static final long SZ_2M = 1L << 21;
  private static final long SZ_1G = 1L << 30;
  private static final long V = 1;
  private static final long ABORT = V;
  private static final long BYPASS = V | (4L << 1);
  private static final long S1 = V | (5L << 1) | 0xabc000L;
  private final UserMem mem = new UserMem();
  private int groups;

  private static ArmSmmuV3 smmu(String... kv) {
    return smmu(4096, kv);
  }

  private static ArmSmmuV3 smmu(long pageSize, String... kv) {
    TreeMap<String, String> o = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      o.put(kv[i], kv[i + 1]);
    }
    return new ArmSmmuV3("smmu", ArmSmmuV3.Config.parse(o), pageSize);
  }

  private IommuDevice dev(ArmSmmuV3 s) {
    return s.newDevice("d" + groups, new IommuGroup(groups++), 20, -1);
  }

  private static IommuDomain paging(ArmSmmuV3 s, IommuDevice d, long flags) {
    KResult<IommuDomain> r = s.allocPaging(d, flags, null);
    assertThat(r.isOk()).as(r.reason()).isTrue();
    return r.value();
  }

  private FakeViommu viommu(ArmSmmuV3 s, IommuDevice d) {
    FakeViommu v = new FakeViommu(IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
        paging(s, d, IOMMU_HWPT_ALLOC_NEST_PARENT));
    assertThat(s.viommuInit(v, null)).isNull();
    return v;
  }

  private UserData ste(long w0, long w1) {
    return mem.data(IOMMU_HWPT_DATA_ARM_SMMUV3,
        UserMem.struct(iommu_hwpt_arm_smmuv3, "ste[0]", w0, "ste[1]", w1));
  }

  private IommuDomain nested(ArmSmmuV3 s, FakeViommu v, long w0, long w1) {
    KResult<IommuDomain> r = s.viommuAllocNested(v, 0, ste(w0, w1));
    assertThat(r.isOk()).as(r.reason()).isTrue();
    return r.value();
  }

  // ---- hw_info ----

  @Test
  void hwInfo_reportsTheIdRegisters() {
    ArmSmmuV3 s = smmu();
    for (long type : new long[] {IOMMU_HW_INFO_TYPE_DEFAULT, IOMMU_HW_INFO_TYPE_ARM_SMMUV3}) {
      KResult<ArmSmmuV3.HwInfo> r = s.hwInfo(dev(s), type);
      assertThat(r.isOk()).isTrue();
      assertThat(r.value().type()).isEqualTo(IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
      byte[] b = r.value().data();
      assertThat(b).hasSize(40);
      assertThat(iommu_hw_info_arm_smmuv3.field("flags").get(b)).isZero();
      for (int i = 0; i < 6; i++) {
        assertThat(iommu_hw_info_arm_smmuv3.field("idr[" + i + "]").get(b))
            .isEqualTo(s.idr()[i] & 0xffffffffL);
      }
      assertThat(iommu_hw_info_arm_smmuv3.field("iidr").get(b)).isEqualTo(0x43b);
      assertThat(iommu_hw_info_arm_smmuv3.field("aidr").get(b)).isEqualTo(2);
    }
    assertThat(s.idr()).containsExactly(0x094d769b, 0x02739d10, 0, 0x500, 0, 0x75);
  }

  @Test
  void hwInfo_otherType_isEopnotsupp() {
    ArmSmmuV3 s = smmu();
    assertThat(s.hwInfo(dev(s), IOMMU_HW_INFO_TYPE_INTEL_VTD).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    assertThat(s.hwInfo(dev(s), IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
  }

  @Test
  void idr_defaultSmmu_decodesAsANestingSmmuWithHttuDirty() {
    int[] idr = smmu().idr();
    assertThat(has(idr[0], IDR0_S1P)).isTrue();
    assertThat(has(idr[0], IDR0_S2P)).isTrue();
    assertThat(field(idr[0], IDR0_HTTU, 2)).isEqualTo(2);
    assertThat(field(idr[0], IDR0_TTF, 2)).isEqualTo(2);
    assertThat(field(idr[0], IDR0_STALL_MODEL, 2)).isEqualTo(1);
    assertThat(has(idr[0], IDR0_ATS)).isTrue();
    assertThat(has(idr[0], IDR0_PRI)).isTrue();
    assertThat(has(idr[0], IDR0_COHACC)).isTrue();
    assertThat(field(idr[1], IDR1_SSIDSIZE, 5)).isEqualTo(20);
    assertThat(field(idr[1], IDR1_SIDSIZE, 6)).isEqualTo(16);
    assertThat(has(idr[3], IDR3_FWB)).isTrue();
    assertThat(field(idr[5], IDR5_OAS, 3)).isEqualTo(5);
  }

  @Test
  void idr_followsTheOptions() {
    assertThat(has(smmu("nesting", "off").idr()[0], IDR0_S2P)).isFalse();
    assertThat(field(smmu("dirty", "off").idr()[0], IDR0_HTTU, 2)).isEqualTo(1);
    assertThat(has(smmu("pri", "off").idr()[0], IDR0_PRI)).isFalse();
    assertThat(has(smmu("ats", "off").idr()[0], IDR0_ATS)).isFalse();
    assertThat(has(smmu("fwb", "off").idr()[3], IDR3_FWB)).isFalse();
    int[] stall = smmu("stall", "on").idr();
    assertThat(field(stall[0], IDR0_STALL_MODEL, 2)).isZero();
    assertThat(field(stall[5], IDR5_STALL_MAX, 16)).isEqualTo(128);
  }

  @Test
  void capabilities_dirtyFollowsHttu_userPasidTable_nestingOnlyThroughAViommu() {
    ArmSmmuV3 s = smmu();
    ArmSmmuV3 noDirty = smmu("dirty", "off");
    assertThat(s.dirtyCapable(dev(s))).isTrue();
    assertThat(noDirty.dirtyCapable(dev(noDirty))).isFalse();
    assertThat(s.userPasidTable()).isTrue();
    assertThat(s.hasNestedAlloc()).isFalse();
    IommuDevice d = dev(s);
    assertThat(s.allocNested(d, paging(s, d, IOMMU_HWPT_ALLOC_NEST_PARENT), 0, ste(ABORT, 0))
        .errno()).isEqualTo(Errno.EOPNOTSUPP);
    assertThat(d.reservedRegions()).containsExactly(
        new IommuDevice.ReservedRegion(0x8000000L, 0x80fffffL, true));
  }

  @Test
  void devices_getStreamIdsInOrder_andAGivenOneMustBeFree() {
    ArmSmmuV3 s = smmu();
    assertThat(ArmSmmuV3.master(dev(s)).sid).isEqualTo(0x100);
    assertThat(ArmSmmuV3.master(s.newDevice("x", new IommuGroup(90), 0, 0x108)).sid)
        .isEqualTo(0x108);
    assertThat(ArmSmmuV3.master(dev(s)).sid).isEqualTo(0x110);
    assertThatThrownBy(() -> s.newDevice("y", new IommuGroup(91), 0, 0x100))
        .hasMessageContaining("StreamID 0x100 is already used");
  }

  @Test
  void config_unknownOrBadOption_isRefusedWithItsName() {
    assertThatThrownBy(() -> smmu("mgaw", "48")).hasMessageContaining("takes no option mgaw");
    assertThatThrownBy(() -> smmu("fwb", "1")).hasMessageContaining("fwb takes on or off");
    assertThatThrownBy(() -> ArmSmmuV3.Config.sid(java.util.Map.of("sid", "0x10000")))
        .hasMessageContaining("sid takes 0 to 65535");
    assertThat(ArmSmmuV3.Config.sid(java.util.Map.of("sid", "0x20"))).isEqualTo(0x20);
  }

  // ---- paging domains ----

  @Test
  void allocPaging_flagCombinations_pickTheStage() {
    ArmSmmuV3 s = smmu();
    IommuDevice d = dev(s);
    IommuDomain plain = paging(s, d, 0);
    assertThat(((ArmSmmuV3.Paging) plain.priv()).stage()).isEqualTo(ArmSmmuV3.Stage.S1);
    assertThat(plain.pgsizeBitmap()).isEqualTo(SZ_4K | SZ_2M | SZ_1G);
    assertThat(plain.apertureEnd()).isEqualTo((1L << 48) - 1);
    IommuDomain np = paging(s, d, IOMMU_HWPT_ALLOC_NEST_PARENT);
    ArmSmmuV3.Paging p = (ArmSmmuV3.Paging) np.priv();
    assertThat(p.stage()).isEqualTo(ArmSmmuV3.Stage.S2);
    assertThat(p.nestParent()).isTrue();
    assertThat(p.vmid()).isEqualTo(1);
    assertThat(((ArmSmmuV3.Paging) paging(s, d, IOMMU_HWPT_ALLOC_NEST_PARENT).priv()).vmid())
        .isEqualTo(2);
    assertThat(np.apertureEnd()).isEqualTo((1L << 48) - 1);
    for (long f : new long[] {IOMMU_HWPT_ALLOC_DIRTY_TRACKING, IOMMU_HWPT_ALLOC_PASID,
        IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID}) {
      IommuDomain dom = paging(s, d, f);
      assertThat(((ArmSmmuV3.Paging) dom.priv()).stage()).isEqualTo(ArmSmmuV3.Stage.S1);
      assertThat(dom.hasDirtyOps()).isEqualTo((f & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) != 0);
    }
  }

  @Test
  void allocPaging_refusals_areEopnotsupp() {
    ArmSmmuV3 s = smmu();
    IommuDevice d = dev(s);
    for (long f : new long[] {IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_PASID,
        IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 1L << 4}) {
      assertThat(s.allocPaging(d, f, null).errno()).as("flags %x", f)
          .isEqualTo(Errno.EOPNOTSUPP);
    }
    UserData data = mem.data(IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST, new byte[8]);
    assertThat(s.allocPaging(d, 0, data).errno()).isEqualTo(Errno.EOPNOTSUPP);
    ArmSmmuV3 noNest = smmu("nesting", "off");
    assertThat(noNest.allocPaging(dev(noNest), IOMMU_HWPT_ALLOC_NEST_PARENT, null).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
  }

  @Test
  void allocPaging_pageSizesFollowTheCpuPageSize() {
    assertThat(paging(smmu(16384), dev(smmu(16384)), 0).pgsizeBitmap())
        .isEqualTo((1L << 14) | (1L << 25));
    assertThat(paging(smmu(65536), dev(smmu(65536)), 0).pgsizeBitmap())
        .isEqualTo((1L << 16) | (1L << 29));
    assertThat(paging(smmu(1 << 20), dev(smmu(1 << 20)), 0).pgsizeBitmap())
        .isEqualTo((1L << 16) | (1L << 29));
  }

  // ---- vIOMMU ----

  @Test
  void supportsViommu_onlyTheSmmuv3TypeOnANestingSmmuWithFwb() {
    ArmSmmuV3 s = smmu();
    assertThat(s.supportsViommu(dev(s), IOMMU_VIOMMU_TYPE_ARM_SMMUV3)).isTrue();
    assertThat(s.supportsViommu(dev(s), IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV)).isFalse();
    assertThat(s.supportsViommu(dev(s), IommufdTestUapi.IOMMU_VIOMMU_TYPE_SELFTEST)).isFalse();
    ArmSmmuV3 noFwb = smmu("fwb", "off");
    assertThat(noFwb.supportsViommu(dev(noFwb), IOMMU_VIOMMU_TYPE_ARM_SMMUV3)).isFalse();
    ArmSmmuV3 noNest = smmu("nesting", "off");
    assertThat(noNest.supportsViommu(dev(noNest), IOMMU_VIOMMU_TYPE_ARM_SMMUV3)).isFalse();
  }

  @Test
  void viommuInit_takesTheParentsVmid_andRefusesAnotherSmmusParent() {
    ArmSmmuV3 s = smmu();
    IommuDevice d = dev(s);
    FakeViommu v = viommu(s, d);
    assertThat(((ArmSmmuV3.Vsmmu) v.priv()).vmid()).isEqualTo(1);
    ArmSmmuV3 other = smmu();
    FakeViommu cross = new FakeViommu(IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
        paging(other, dev(other), IOMMU_HWPT_ALLOC_NEST_PARENT));
    assertThat(s.viommuInit(cross, null)).isEqualTo(Errno.EINVAL);
    IntelVtd vtd = new IntelVtd("dmar", IntelVtd.Config.defaults());
    IommuDevice vd = vtd.newDevice("v", new IommuGroup(99), 0);
    FakeViommu foreign = new FakeViommu(IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
        vtd.allocPaging(vd, IOMMU_HWPT_ALLOC_NEST_PARENT, null).value());
    assertThat(s.viommuInit(foreign, null)).isEqualTo(Errno.EINVAL);
  }

  @Test
  void viommuAllocNested_abortBypassAndS1_areAccepted() {
    ArmSmmuV3 s = smmu();
    FakeViommu v = viommu(s, dev(s));
    ArmSmmuV3.Nested abort = (ArmSmmuV3.Nested) nested(s, v, ABORT, 0).priv();
    assertThat(abort.cfg()).isEqualTo(CFG_ABORT);
    assertThat(((ArmSmmuV3.Nested) nested(s, v, BYPASS, 0).priv()).cfg()).isEqualTo(CFG_BYPASS);
    IommuDomain s1 = nested(s, v, S1 | (31L << 59), 0xffL | (1L << 27) | (1L << 28));
    ArmSmmuV3.Nested n = (ArmSmmuV3.Nested) s1.priv();
    assertThat(n.enableAts()).isTrue();
    assertThat(n.ste1()).isEqualTo(0xffL | (1L << 27));
    assertThat(n.viommu()).isSameAs(v);
    assertThat(s1.type()).isEqualTo(IommuDomain.Type.NESTED);
    assertThat(s1.parent()).isSameAs(v.parentDomain());
    ArmSmmuV3.Nested invalid = (ArmSmmuV3.Nested) nested(s, v, 0xff00L, 0x1234L).priv();
    assertThat(invalid.ste0()).isZero();
    assertThat(invalid.ste1()).isZero();
    assertThat(((ArmSmmuV3.Nested) nested(s, v, S1, 0).priv()).enableAts()).isFalse();
  }

  @Test
  void viommuAllocNested_badVste_isEio() {
    ArmSmmuV3 s = smmu();
    FakeViommu v = viommu(s, dev(s));
    long[][] bad = {
        {V | (6L << 1), 0}, {V | (7L << 1), 0}, {V | (1L << 1), 0}, {V | (3L << 1), 0},
        {S1 | (1L << 52), 0}, {S1 | (1L << 58), 0}, {S1, 1L << 19}, {S1, 1L << 30},
        {S1, 2L << 28}, {S1, 3L << 28}, {BYPASS, 2L << 28},
    };
    for (long[] b : bad) {
      assertThat(s.viommuAllocNested(v, 0, ste(b[0], b[1])).errno())
          .as("ste %x %x", b[0], b[1]).isEqualTo(Errno.EIO);
    }
  }

  @Test
  void viommuAllocNested_flagsOrCopyProblems_areEopnotsuppEinvalEfault() {
    ArmSmmuV3 s = smmu();
    FakeViommu v = viommu(s, dev(s));
    assertThat(s.viommuAllocNested(v, IOMMU_HWPT_ALLOC_PASID, ste(ABORT, 0)).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    byte[] b = UserMem.struct(iommu_hwpt_arm_smmuv3, "ste[0]", ABORT);
    assertThat(s.viommuAllocNested(v, 0, mem.data(IOMMU_HWPT_DATA_VTD_S1, b)).errno())
        .isEqualTo(Errno.EINVAL);
    assertThat(s.viommuAllocNested(v, 0, mem.data(IOMMU_HWPT_DATA_ARM_SMMUV3, b, 8)).errno())
        .isEqualTo(Errno.EINVAL);
    assertThat(s.viommuAllocNested(v, 0, mem.data(IOMMU_HWPT_DATA_ARM_SMMUV3, b, 24)).errno())
        .isEqualTo(Errno.EINVAL);
    UserData bad = new UserData(mem.task, IOMMU_HWPT_DATA_ARM_SMMUV3, 0x10, 16);
    assertThat(s.viommuAllocNested(v, 0, bad).errno()).isEqualTo(Errno.EFAULT);
  }

  // ---- attach ----

  @Test
  void attach_pagingOfAnotherSmmu_isEinval() {
    ArmSmmuV3 s = smmu();
    ArmSmmuV3 other = smmu();
    IommuDevice d = dev(s);
    assertThat(s.attach(paging(other, dev(other), 0), d)).isEqualTo(Errno.EINVAL);
    assertThat(s.attach(paging(s, d, 0), d)).isNull();
    assertThat(s.attach(paging(s, d, IOMMU_HWPT_ALLOC_NEST_PARENT), d)).isNull();
  }

  @Test
  void attach_stage2OrNestedWhilePasidsAreAttached_isEbusy() {
    ArmSmmuV3 s = smmu();
    IommuDevice d = dev(s);
    FakeViommu v = viommu(s, d);
    v.vdevs.put(7L, d);
    d.setPasidDomain(1, paging(s, d, IOMMU_HWPT_ALLOC_PASID));
    assertThat(s.attach(paging(s, d, IOMMU_HWPT_ALLOC_NEST_PARENT), d)).isEqualTo(Errno.EBUSY);
    assertThat(s.attach(nested(s, v, S1, 0), d)).isEqualTo(Errno.EBUSY);
    assertThat(s.attach(paging(s, d, 0), d)).as("stage 1 keeps the CD table").isNull();
  }

  @Test
  void attach_translatingNestedWithoutAVdevice_isEnoent_abortAndBypassAreNot() {
    ArmSmmuV3 s = smmu();
    IommuDevice d = dev(s);
    FakeViommu v = viommu(s, d);
    assertThat(s.attach(nested(s, v, S1, 0), d)).isEqualTo(Errno.ENOENT);
    assertThat(s.attach(nested(s, v, ABORT, 0), d)).isNull();
    assertThat(s.attach(nested(s, v, BYPASS, 0), d)).isNull();
    assertThat(s.attach(nested(s, v, 0, 0), d)).as("a non-valid vSTE is an abort").isNull();
    v.vdevs.put(0x42L, d);
    assertThat(s.attach(nested(s, v, S1, 0), d)).isNull();
  }

  @Test
  void attach_nestedOfAnotherSmmusViommu_isEinval() {
    ArmSmmuV3 s = smmu();
    ArmSmmuV3 other = smmu();
    IommuDevice od = dev(other);
    FakeViommu ov = viommu(other, od);
    IommuDevice d = dev(s);
    ov.vdevs.put(1L, d);
    assertThat(s.attach(nested(other, ov, S1, 0), d)).isEqualTo(Errno.EINVAL);
  }

  @Test
  void setDevPasid_onlyStage1OfThisSmmu_andOnlyWhileTheRidCanHoldACdTable() {
    ArmSmmuV3 s = smmu();
    ArmSmmuV3 other = smmu();
    IommuDevice d = dev(s);
    FakeViommu v = viommu(s, d);
    v.vdevs.put(3L, d);
    IommuDomain s1 = paging(s, d, IOMMU_HWPT_ALLOC_PASID);
    assertThat(s.setDevPasid(null, d, 1)).isNull();
    assertThat(s.setDevPasid(s1, d, 1)).as("RID blocked").isNull();
    assertThat(s.setDevPasid(nested(s, v, S1, 0), d, 1)).isEqualTo(Errno.EOPNOTSUPP);
    assertThat(s.setDevPasid(paging(s, d, IOMMU_HWPT_ALLOC_NEST_PARENT), d, 1))
        .isEqualTo(Errno.EINVAL);
    assertThat(s.setDevPasid(paging(other, dev(other), IOMMU_HWPT_ALLOC_PASID), d, 1))
        .isEqualTo(Errno.EINVAL);
    d.setRidDomain(paging(s, d, 0));
    assertThat(s.setDevPasid(s1, d, 1)).as("RID on stage 1").isNull();
    d.setRidDomain(paging(s, d, IOMMU_HWPT_ALLOC_NEST_PARENT));
    assertThat(s.setDevPasid(s1, d, 1)).isEqualTo(Errno.EINVAL);
    d.setRidDomain(nested(s, v, S1, 0));
    assertThat(s.setDevPasid(s1, d, 1)).isEqualTo(Errno.EINVAL);
  }

  @Test
  void setDirtyTracking_alwaysSucceeds() {
    ArmSmmuV3 s = smmu();
    IommuDomain d = paging(s, dev(s), IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
    assertThat(s.setDirtyTracking(d, true)).isNull();
    assertThat(d.dirtyTracking()).isTrue();
    assertThat(s.setDirtyTracking(d, false)).isNull();
  }

  // ---- invalidation ----

  private static byte[] cmd(long c0, long c1) {
    return UserMem.struct(iommu_viommu_arm_smmuv3_invalidate, "cmd[0]", c0, "cmd[1]", c1);
  }

  private record Setup(ArmSmmuV3 s, IommuDevice d, FakeViommu v) {}

  private Setup withVdevice() {
    ArmSmmuV3 s = smmu();
    IommuDevice d = dev(s);
    FakeViommu v = viommu(s, d);
    v.vdevs.put(0x42L, d);
    return new Setup(s, d, v);
  }

  private static ArmSmmuV3.Command c(long c0, long c1) {
    return new ArmSmmuV3.Command(c0, c1);
  }

  @Test
  void invalidate_convertsVmidsAndStreamIds() {
    Setup t = withVdevice();
    UserArray a = mem.array(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, List.of(
        cmd(OP_TLBI_NSNH_ALL | (9L << 32), 5),
        cmd(OP_TLBI_NH_VA | (0x77L << 48) | (9L << 32), 0x1000),
        cmd(OP_TLBI_NH_VAA | (9L << 32), 0x2000),
        cmd(OP_TLBI_NH_ASID | (0x77L << 48), 0),
        cmd(OP_TLBI_NH_ALL, 0),
        cmd(OP_CFGI_CD | (0x42L << 32) | (3L << 12), 1),
        cmd(OP_CFGI_CD_ALL | (0x42L << 32), 0),
        cmd(OP_ATC_INV | (0x42L << 32) | (1L << 9), 0)));
    assertThat(t.s.viommuInvalidate(t.v, a)).isNull();
    assertThat(a.handled()).isEqualTo(8);
    long vmid = 1L << 32;
    long sid = 0x100L << 32;
    assertThat(t.s.commandLog()).containsExactly(
        c(OP_TLBI_NH_ALL | vmid, 0),
        c(OP_TLBI_NH_VA | (0x77L << 48) | vmid, 0x1000),
        c(OP_TLBI_NH_VAA | vmid, 0x2000),
        c(OP_TLBI_NH_ASID | (0x77L << 48) | vmid, 0),
        c(OP_TLBI_NH_ALL | vmid, 0),
        c(OP_CFGI_CD | sid | (3L << 12), 1),
        c(OP_CFGI_CD_ALL | sid, 0),
        c(OP_ATC_INV | sid | (1L << 9), 0),
        c(OP_CMD_SYNC, 0));
  }

  @Test
  void invalidate_unsupportedOrUnknownVsid_isEio_andTheUnfinishedBatchIsNotIssued() {
    Setup t = withVdevice();
    int[] refused = {OP_CFGI_STE, OP_CFGI_ALL, OP_TLBI_EL2_ALL, OP_TLBI_S12_VMALL,
        OP_TLBI_S2_IPA, OP_PRI_RESP, OP_RESUME, OP_CMD_SYNC, 0x7f};
    for (int op : refused) {
      UserArray a = mem.array(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
          List.of(cmd(OP_TLBI_NH_ALL, 0), cmd(op | (0x42L << 32), 0), cmd(OP_TLBI_NH_ALL, 0)));
      assertThat(t.s.viommuInvalidate(t.v, a)).as("op %x", op).isEqualTo(Errno.EIO);
      assertThat(a.handled()).isEqualTo(1);
    }
    UserArray unknown = mem.array(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
        List.of(cmd(OP_CFGI_CD | (0x43L << 32), 0)));
    assertThat(t.s.viommuInvalidate(t.v, unknown)).isEqualTo(Errno.EIO);
    assertThat(unknown.handled()).isZero();
    assertThat(t.s.commandLog()).isEmpty();
  }

  @Test
  void invalidate_fullBatchesBeforeAFailureStayIssued() {
    Setup t = withVdevice();
    List<byte[]> cmds = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      cmds.add(cmd(OP_TLBI_NH_ASID | ((long) i << 48), 0));
    }
    cmds.add(cmd(OP_CFGI_STE, 0));
    UserArray a = mem.array(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, cmds);
    assertThat(t.s.viommuInvalidate(t.v, a)).isEqualTo(Errno.EIO);
    assertThat(a.handled()).isEqualTo(64);
    assertThat(t.s.commandLog()).hasSize(64);
    assertThat(t.s.commandLog().get(63)).isEqualTo(c(OP_CMD_SYNC, 0));
  }

  @Test
  void invalidate_arrayRules_wrongTypeEmptyLongTailOrBadPointer() {
    Setup t = withVdevice();
    UserArray wrong = mem.array(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, List.of(cmd(OP_TLBI_NH_ALL, 0)));
    assertThat(t.s.viommuInvalidate(t.v, wrong)).isEqualTo(Errno.EINVAL);
    UserArray empty = mem.array(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, List.of());
    assertThat(t.s.viommuInvalidate(t.v, empty)).isEqualTo(Errno.EINVAL);
    byte[] longEntry = new byte[24];
    longEntry[0] = (byte) OP_TLBI_NH_ALL;
    longEntry[20] = 1;
    assertThat(t.s.viommuInvalidate(t.v,
        mem.array(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, 24, longEntry, 1)))
        .isEqualTo(Errno.E2BIG);
    UserArray unreadable =
        new UserArray(mem.task, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, 0x10, 16, 1);
    assertThat(t.s.viommuInvalidate(t.v, unreadable)).isEqualTo(Errno.EFAULT);
    byte[] shortEntry = {(byte) OP_TLBI_NSNH_ALL, 0, 0, 0, 0, 0, 0, 0};
    UserArray shortOk = mem.array(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, 8, shortEntry, 1);
    assertThat(t.s.viommuInvalidate(t.v, shortOk)).as("short entries are zero-extended").isNull();
    assertThat(t.s.commandLog()).containsExactly(c(OP_TLBI_NH_ALL | (1L << 32), 0),
        c(OP_CMD_SYNC, 0));
  }

  // ---- events ----

  @Test
  void reportEvent_throughAVmaster_reachesTheVeventqWithTheVsid() {
    Setup t = withVdevice();
    t.v.queueType = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
    IommuDomain n = nested(t.s, t.v, S1, 0);
    assertThat(t.s.attach(n, t.d)).isNull();
    t.d.setRidDomain(n);
    assertThat(t.s.reportTranslationFault(t.d, 0xdead000L)).isNull();
    assertThat(t.s.reportEvent(t.d, new long[] {EVT_ID_PERMISSION_FAULT | (0x999L << 32), 0,
        0x1000, 0})).isNull();
    assertThat(t.v.events).hasSize(2);
    byte[] e = t.v.events.get(0);
    assertThat(iommu_vevent_arm_smmuv3.field("evt[0]").get(e))
        .isEqualTo(EVT_ID_TRANSLATION_FAULT | (0x42L << 32));
    assertThat(iommu_vevent_arm_smmuv3.field("evt[1]").get(e)).isEqualTo(1L << 35);
    assertThat(iommu_vevent_arm_smmuv3.field("evt[2]").get(e)).isEqualTo(0xdead000L);
    assertThat(iommu_vevent_arm_smmuv3.field("evt[0]").get(t.v.events.get(1)))
        .isEqualTo(EVT_ID_PERMISSION_FAULT | (0x42L << 32));
  }

  @Test
  void reportEvent_withoutAVmasterQueueOrForStage2AndStalls_isEopnotsupp() {
    Setup t = withVdevice();
    IommuDomain n = nested(t.s, t.v, S1, 0);
    t.s.attach(n, t.d);
    t.d.setRidDomain(n);
    assertThat(t.s.reportTranslationFault(t.d, 0)).as("no vEVENTQ").isEqualTo(Errno.EOPNOTSUPP);
    t.v.queueType = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
    assertThat(t.s.reportEvent(t.d, new long[] {0x10, EVTQ_1_S2, 0, 0}))
        .isEqualTo(Errno.EOPNOTSUPP);
    assertThat(t.s.reportEvent(t.d, new long[] {0x10, EVTQ_1_STALL, 0, 0}))
        .isEqualTo(Errno.EOPNOTSUPP);
    IommuDomain abort = nested(t.s, t.v, ABORT, 0);
    t.s.attach(abort, t.d);
    t.d.setRidDomain(abort);
    assertThat(t.s.reportTranslationFault(t.d, 0)).as("abort vSTE: vmaster still set")
        .isNull();
    t.d.setRidDomain(null);
    assertThat(t.s.reportTranslationFault(t.d, 0)).as("detached").isEqualTo(Errno.EOPNOTSUPP);
    IommuDomain s1 = paging(t.s, t.d, 0);
    t.s.attach(s1, t.d);
    t.d.setRidDomain(s1);
    assertThat(t.s.reportTranslationFault(t.d, 0)).as("paging").isEqualTo(Errno.EOPNOTSUPP);
    assertThat(t.v.events).hasSize(1);
  }

  @Test
  void reportEvent_deviceOfAnotherSmmu_isEinval() {
    ArmSmmuV3 s = smmu();
    ArmSmmuV3 other = smmu();
    assertThat(s.reportTranslationFault(dev(other), 0)).isEqualTo(Errno.EINVAL);
  }
}
