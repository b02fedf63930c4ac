package org.iommufdsim.sim.kernel.drivers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iommufdsim.sim.kernel.drivers.IntelVtd.SZ_1G;
import static org.iommufdsim.sim.kernel.drivers.IntelVtd.SZ_2M;
import static org.iommufdsim.sim.kernel.drivers.IntelVtd.SZ_4K;
import static org.iommufdsim.sim.kernel.drivers.VtdRegisters.*;
import static org.iommufdsim.sim.uapi.IommufdUapi.*;

import java.util.List;
import java.util.Map;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.iommu.IommuGroup;
import org.iommufdsim.sim.kernel.iommu.UserArray;
import org.iommufdsim.sim.kernel.iommu.UserData;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.junit.jupiter.api.Test;

/** The VT-d driver model refuses and accepts exactly what Linux v7.0's intel driver does. */
class IntelVtdTest {
  private final UserMem mem = new UserMem();
  private int groups;

  private static IntelVtd unit(String... kv) {
    java.util.TreeMap<String, String> o = new java.util.TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      o.put(kv[i], kv[i + 1]);
    }
    return new IntelVtd("dmar", IntelVtd.Config.parse(o));
  }

  private IommuDevice dev(IntelVtd u) {
    return u.newDevice("d" + groups, new IommuGroup(groups++), 20);
  }

  private static IommuDomain paging(IntelVtd u, IommuDevice d, long flags) {
    KResult<IommuDomain> r = u.allocPaging(d, flags, null);
    assertThat(r.isOk()).as(r.reason()).isTrue();
    return r.value();
  }

  private UserData s1(long flags, long addrWidth) {
    return mem.data(IOMMU_HWPT_DATA_VTD_S1, UserMem.struct(iommu_hwpt_vtd_s1, "flags", flags,
        "pgtbl_addr", 0x7000L, "addr_width", addrWidth));
  }

  private IommuDomain nested(IntelVtd u, IommuDevice d, IommuDomain parent, long s1Flags,
      long aw) {
    KResult<IommuDomain> r = u.allocNested(d, parent, 0, s1(s1Flags, aw));
    assertThat(r.isOk()).as(r.reason()).isTrue();
    return r.value();
  }

  // ---- hw_info ----

  @Test
  void hwInfo_defaultOrVtdType_reportsCapEcapWithTheSpr17Erratum() {
    IntelVtd u = unit();
    for (long type : new long[] {IOMMU_HW_INFO_TYPE_DEFAULT, IOMMU_HW_INFO_TYPE_INTEL_VTD}) {
      KResult<IntelVtd.HwInfo> r = u.hwInfo(dev(u), type);
      assertThat(r.isOk()).isTrue();
      assertThat(r.value().type()).isEqualTo(IOMMU_HW_INFO_TYPE_INTEL_VTD);
      byte[] b = r.value().data();
      assertThat(b).hasSize(24);
      assertThat(iommu_hw_info_vtd.field("flags").get(b))
          .isEqualTo(IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17);
      assertThat(iommu_hw_info_vtd.field("cap_reg").get(b)).isEqualTo(u.capReg());
      assertThat(iommu_hw_info_vtd.field("ecap_reg").get(b)).isEqualTo(u.ecapReg());
    }
    assertThat(u.capReg()).isEqualTo(0xc9d2078c406f0466L);
    assertThat(u.ecapReg()).isEqualTo(0x3ef9aa4f050dfL);
  }

  @Test
  void hwInfo_otherType_isEopnotsupp() {
    IntelVtd u = unit();
    assertThat(u.hwInfo(dev(u), IOMMU_HW_INFO_TYPE_ARM_SMMUV3).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    assertThat(u.hwInfo(dev(u), IommufdTestUapi.IOMMU_HW_INFO_TYPE_SELFTEST).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
  }

  @Test
  void registers_defaultUnit_decodeAsA48BitScalableNestingUnit() {
    IntelVtd u = unit();
    long cap = u.capReg();
    long ecap = u.ecapReg();
    assertThat(mgaw(cap)).isEqualTo(48);
    assertThat(sagaw(cap)).isEqualTo(0b00100);
    assertThat(sllps(cap)).isEqualTo(0b11);
    assertThat(has(cap, CAP_FL1GP)).isTrue();
    assertThat(has(cap, CAP_FL5LP)).isFalse();
    assertThat(has(cap, CAP_CM)).isFalse();
    for (int bit : new int[] {ECAP_SMTS, ECAP_PASID, ECAP_NEST, ECAP_PRS, ECAP_PDS, ECAP_SRS,
        ECAP_SLADS, ECAP_SLTS, ECAP_FLTS, ECAP_SMPWC, ECAP_DT, ECAP_SC}) {
      assertThat(has(ecap, bit)).as("ecap bit %d", bit).isTrue();
    }
    assertThat(has(ecap, ECAP_EAFS)).isFalse();
    assertThat(field(ecap, ECAP_PSS, 5)).isEqualTo(19);
  }

  @Test
  void registers_followTheOptions() {
    assertThat(has(unit("nesting", "off").ecapReg(), ECAP_NEST)).isFalse();
    assertThat(has(unit("dirty", "off").ecapReg(), ECAP_SLADS)).isFalse();
    assertThat(has(unit("pri", "off").ecapReg(), ECAP_PRS)).isFalse();
    assertThat(has(unit("srs", "off").ecapReg(), ECAP_SRS)).isFalse();
    assertThat(has(unit("eafs", "on").ecapReg(), ECAP_EAFS)).isTrue();
    long cap57 = unit("mgaw", "57").capReg();
    assertThat(mgaw(cap57)).isEqualTo(57);
    assertThat(has(cap57, CAP_FL5LP)).isTrue();
    assertThat(sagaw(cap57)).isEqualTo(0b01100);
    assertThat(sagaw(unit("mgaw", "39").capReg())).isEqualTo(0b00100);
    long three = unit("mgaw", "39", "sagaw", "2", "flts", "off").capReg();
    assertThat(sagaw(three)).isEqualTo(0b00010);
    assertThat(sllps(unit("sllps", "1").capReg())).isEqualTo(0b01);
    assertThat(has(unit("fl1gp", "off").capReg(), CAP_FL1GP)).isFalse();
    assertThat(has(unit("flts", "off").ecapReg(), ECAP_FLTS)).isFalse();
    assertThat(has(unit("slts", "off").ecapReg(), ECAP_SLTS)).isFalse();
  }

  @Test
  void capabilities_dirtyFollowsSlads_noUserPasidTable_noViommu() {
    IntelVtd u = unit();
    IntelVtd off = unit("dirty", "off");
    assertThat(u.dirtyCapable(dev(u))).isTrue();
    assertThat(off.dirtyCapable(dev(off))).isFalse();
    assertThat(dev(off).dirtyCapable()).isFalse();
    assertThat(u.userPasidTable()).isFalse();
    assertThat(u.supportsViommu(dev(u), IOMMU_VIOMMU_TYPE_ARM_SMMUV3)).isFalse();
    assertThat(u.hasNestedAlloc()).isTrue();
    assertThat(dev(u).reservedRegions()).containsExactly(new IommuDevice.ReservedRegion(
        0xfee00000L, 0xfeefffffL, false));
  }

  @Test
  void config_unknownOrBadOption_isRefusedWithItsName() {
    assertThatThrownBy(() -> unit("colour", "blue"))
        .hasMessageContaining("takes no option colour");
    assertThatThrownBy(() -> unit("mgaw", "40")).hasMessageContaining("mgaw takes 39, 48 or 57");
    assertThatThrownBy(() -> unit("nesting", "yes")).hasMessageContaining("on or off");
    assertThatThrownBy(() -> unit("sid", "1")).hasMessageContaining("takes no option sid");
    assertThatThrownBy(() -> unit("sagaw", "2")).as("3-level only, with first-stage tables")
        .hasMessageContaining("no valid agaw");
    assertThatThrownBy(() -> unit("sagaw", "1")).hasMessageContaining("mask of bits 1");
    assertThatThrownBy(() -> unit("flts", "off", "slts", "off"))
        .hasMessageContaining("at least one stage");
  }

  // ---- paging domains ----

  @Test
  void allocPaging_noFlagsOrPasid_isFirstStageWithTheLowerCanonicalHalf() {
    IntelVtd u = unit();
    for (long flags : new long[] {0, IOMMU_HWPT_ALLOC_PASID}) {
      IommuDomain d = paging(u, dev(u), flags);
      assertThat(((IntelVtd.Paging) d.priv()).firstStage()).isTrue();
      assertThat(d.apertureStart()).isZero();
      assertThat(d.apertureEnd()).isEqualTo((1L << 47) - 1);
      assertThat(d.pgsizeBitmap()).isEqualTo(SZ_4K | SZ_2M | SZ_1G);
      assertThat(d.hasDirtyOps()).isFalse();
    }
  }

  @Test
  void allocPaging_nestParentOrDirty_isSecondStageOverTheWhole48Bits() {
    IntelVtd u = unit();
    IommuDomain np = paging(u, dev(u), IOMMU_HWPT_ALLOC_NEST_PARENT);
    IntelVtd.Paging p = (IntelVtd.Paging) np.priv();
    assertThat(p.firstStage()).isFalse();
    assertThat(p.nestParent()).isTrue();
    assertThat(np.apertureEnd()).isEqualTo((1L << 48) - 1);
    assertThat(np.hasDirtyOps()).isFalse();
    IommuDomain dirty = paging(u, dev(u), IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
    assertThat(dirty.hasDirtyOps()).isTrue();
    assertThat(((IntelVtd.Paging) dirty.priv()).nestParent()).isFalse();
    IommuDomain all = paging(u, dev(u), IOMMU_HWPT_ALLOC_NEST_PARENT
        | IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID);
    assertThat(all.hasDirtyOps()).isTrue();
    assertThat(((IntelVtd.Paging) all.priv()).nestParent()).isTrue();
  }

  @Test
  void allocPaging_addressWidthFollowsMgaw() {
    IntelVtd u57 = unit("mgaw", "57");
    assertThat(paging(u57, dev(u57), 0).apertureEnd()).isEqualTo((1L << 56) - 1);
    assertThat(paging(u57, dev(u57), IOMMU_HWPT_ALLOC_NEST_PARENT).apertureEnd())
        .isEqualTo((1L << 57) - 1);
    IntelVtd u39 = unit("mgaw", "39");
    assertThat(paging(u39, dev(u39), 0).apertureEnd()).isEqualTo((1L << 38) - 1);
    assertThat(paging(u39, dev(u39), IOMMU_HWPT_ALLOC_NEST_PARENT).apertureEnd())
        .isEqualTo((1L << 39) - 1);
  }

  @Test
  void allocPaging_refusals_areEopnotsupp() {
    IntelVtd u = unit();
    UserData data = mem.data(IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST, new byte[8]);
    assertThat(u.allocPaging(dev(u), 0, data).errno()).isEqualTo(Errno.EOPNOTSUPP);
    assertThat(u.allocPaging(dev(u), 1L << 4, null).errno()).isEqualTo(Errno.EOPNOTSUPP);
    IntelVtd noNest = unit("nesting", "off");
    assertThat(noNest.allocPaging(dev(noNest), IOMMU_HWPT_ALLOC_NEST_PARENT, null).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    IntelVtd noDirty = unit("dirty", "off");
    assertThat(noDirty.allocPaging(dev(noDirty), IOMMU_HWPT_ALLOC_DIRTY_TRACKING, null).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    assertThat(noNest.allocPaging(dev(noNest), IOMMU_HWPT_ALLOC_DIRTY_TRACKING, null).isOk())
        .isTrue();
  }

  // ---- nested allocation ----

  @Test
  void allocNested_onANestParent_keepsTheGuestFirstStage() {
    IntelVtd u = unit();
    IommuDevice d = dev(u);
    IommuDomain np = paging(u, d, IOMMU_HWPT_ALLOC_NEST_PARENT);
    KResult<IommuDomain> r = u.allocNested(d, np, IOMMU_HWPT_ALLOC_PASID,
        s1(IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE, 48));
    assertThat(r.isOk()).isTrue();
    IommuDomain n = r.value();
    assertThat(n.type()).isEqualTo(IommuDomain.Type.NESTED);
    assertThat(n.parent()).isSameAs(np);
    assertThat(n.apertureEnd()).isEqualTo(np.apertureEnd());
    IntelVtd.Nested cfg = (IntelVtd.Nested) n.priv();
    assertThat(cfg.flags).isEqualTo(IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE);
    assertThat(cfg.pgtblAddr).isEqualTo(0x7000L);
    assertThat(cfg.addrWidth).isEqualTo(48);
  }

  @Test
  void allocNested_unsupported_isEopnotsupp() {
    IntelVtd u = unit();
    IommuDevice d = dev(u);
    IommuDomain np = paging(u, d, IOMMU_HWPT_ALLOC_NEST_PARENT);
    assertThat(u.allocNested(d, np, IOMMU_HWPT_ALLOC_NEST_PARENT, s1(0, 48)).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    assertThat(u.allocNested(d, np, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, s1(0, 48)).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
    UserData selftest = mem.data(IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST, new byte[24]);
    assertThat(u.allocNested(d, np, 0, selftest).errno()).isEqualTo(Errno.EOPNOTSUPP);
    IntelVtd noNest = unit("nesting", "off");
    IntelVtd nest = unit();
    IommuDomain otherParent = paging(nest, dev(nest), IOMMU_HWPT_ALLOC_NEST_PARENT);
    assertThat(noNest.allocNested(dev(noNest), otherParent, 0, s1(0, 48)).errno())
        .isEqualTo(Errno.EOPNOTSUPP);
  }

  @Test
  void allocNested_parentNotASecondStageNestParent_isEinval() {
    IntelVtd u = unit();
    IommuDevice d = dev(u);
    assertThat(u.allocNested(d, paging(u, d, 0), 0, s1(0, 48)).errno()).isEqualTo(Errno.EINVAL);
    assertThat(u.allocNested(d, paging(u, d, IOMMU_HWPT_ALLOC_DIRTY_TRACKING), 0, s1(0, 48))
        .errno()).isEqualTo(Errno.EINVAL);
  }

  @Test
  void allocNested_copyRules_needExactly24BytesAndAReadablePointer() {
    IntelVtd u = unit();
    IommuDevice d = dev(u);
    IommuDomain np = paging(u, d, IOMMU_HWPT_ALLOC_NEST_PARENT);
    byte[] cfg = UserMem.struct(iommu_hwpt_vtd_s1, "addr_width", 48L);
    assertThat(u.allocNested(d, np, 0, mem.data(IOMMU_HWPT_DATA_VTD_S1, cfg, 16)).errno())
        .isEqualTo(Errno.EINVAL);
    assertThat(u.allocNested(d, np, 0, mem.data(IOMMU_HWPT_DATA_VTD_S1, cfg, 32)).errno())
        .isEqualTo(Errno.EINVAL);
    UserData bad = new UserData(mem.task, IOMMU_HWPT_DATA_VTD_S1, 0x10, 24);
    assertThat(u.allocNested(d, np, 0, bad).errno()).isEqualTo(Errno.EFAULT);
  }

  @Test
  void allocNested_unknownS1FlagsAndReservedAreNotChecked() {
    IntelVtd u = unit();
    IommuDevice d = dev(u);
    IommuDomain np = paging(u, d, IOMMU_HWPT_ALLOC_NEST_PARENT);
    byte[] cfg = UserMem.struct(iommu_hwpt_vtd_s1, "flags", 1L << 20, "addr_width", 48L,
        "__reserved", 7L);
    assertThat(u.allocNested(d, np, 0, mem.data(IOMMU_HWPT_DATA_VTD_S1, cfg)).isOk()).isTrue();
  }

  // ---- attach ----

  @Test
  void attach_paging_ownAndCompatibleUnits_succeed() {
    IntelVtd a = unit();
    IntelVtd b = new IntelVtd("dmar1", IntelVtd.Config.defaults());
    IommuDomain fs = paging(a, dev(a), 0);
    IommuDomain np = paging(a, dev(a), IOMMU_HWPT_ALLOC_NEST_PARENT);
    assertThat(a.attach(fs, dev(a))).isNull();
    assertThat(b.attach(fs, dev(b))).isNull();
    assertThat(b.attach(np, dev(b))).isNull();
    assertThat(b.setDevPasid(fs, dev(b), 1)).isNull();
  }

  @Test
  void attach_dirtyDomainOnAUnitWithoutSlads_isEinval() {
    IntelVtd a = unit();
    IntelVtd noDirty = unit("dirty", "off");
    IommuDomain dirty = paging(a, dev(a), IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
    assertThat(noDirty.attach(dirty, dev(noDirty))).isEqualTo(Errno.EINVAL);
    assertThat(noDirty.setDevPasid(dirty, dev(noDirty), 3)).isEqualTo(Errno.EINVAL);
  }

  @Test
  void attach_incompatibleUnit_isEinval() {
    IntelVtd a = unit();
    IntelVtd noNest = unit("nesting", "off");
    IntelVtd u57 = unit("mgaw", "57");
    IntelVtd u39 = unit("mgaw", "39");
    IommuDomain np = paging(a, dev(a), IOMMU_HWPT_ALLOC_NEST_PARENT);
    assertThat(noNest.attach(np, dev(noNest))).isEqualTo(Errno.EINVAL);
    assertThat(a.attach(paging(u57, dev(u57), IOMMU_HWPT_ALLOC_NEST_PARENT), dev(a)))
        .isEqualTo(Errno.EINVAL);
    assertThat(a.attach(paging(u57, dev(u57), 0), dev(a))).isEqualTo(Errno.EINVAL);
    assertThat(u39.attach(paging(a, dev(a), IOMMU_HWPT_ALLOC_NEST_PARENT), dev(u39)))
        .isEqualTo(Errno.EINVAL);
    assertThat(u57.attach(np, dev(u57))).as("a 4-level table on a 5-level unit").isNull();
  }

  @Test
  void attach_nested_checksTheGuestAddressWidthAndFlags() {
    IntelVtd u = unit();
    IommuDevice d = dev(u);
    IommuDomain np = paging(u, d, IOMMU_HWPT_ALLOC_NEST_PARENT);
    assertThat(u.attach(nested(u, d, np, 0, 48), d)).isNull();
    assertThat(u.attach(nested(u, d, np, IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE, 48), d)).isNull();
    assertThat(u.attach(nested(u, d, np, 0, 57), d)).isEqualTo(Errno.EINVAL);
    assertThat(u.attach(nested(u, d, np, 0, 39), d)).isEqualTo(Errno.EINVAL);
    assertThat(u.attach(nested(u, d, np, 0, 0), d)).isEqualTo(Errno.EINVAL);
    assertThat(u.attach(nested(u, d, np, IOMMU_VTD_S1_EAFE, 48), d)).isEqualTo(Errno.EINVAL);
    assertThat(u.setDevPasid(nested(u, d, np, IOMMU_VTD_S1_EAFE, 48), d, 5))
        .isEqualTo(Errno.EINVAL);
    assertThat(u.setDevPasid(nested(u, d, np, 0, 48), d, 5)).isNull();
  }

  @Test
  void attach_nested_optionalFeaturesFollowTheUnit() {
    IntelVtd u57 = unit("mgaw", "57", "eafs", "on");
    IommuDevice d = dev(u57);
    IommuDomain np = paging(u57, d, IOMMU_HWPT_ALLOC_NEST_PARENT);
    assertThat(u57.attach(nested(u57, d, np, IOMMU_VTD_S1_EAFE, 57), d)).isNull();
    IntelVtd noSrs = unit("srs", "off");
    IommuDevice e = dev(noSrs);
    IommuDomain np2 = paging(noSrs, e, IOMMU_HWPT_ALLOC_NEST_PARENT);
    assertThat(noSrs.attach(nested(noSrs, e, np2, IOMMU_VTD_S1_SRE, 48), e))
        .isEqualTo(Errno.EINVAL);
    assertThat(noSrs.attach(nested(noSrs, e, np2, IOMMU_VTD_S1_WPE, 48), e)).isNull();
  }

  @Test
  void attach_nestedWhoseParentTheUnitCannotWalk_isEinval() {
    IntelVtd a = unit();
    IommuDevice d = dev(a);
    IommuDomain np = paging(a, d, IOMMU_HWPT_ALLOC_NEST_PARENT);
    IommuDomain n = nested(a, d, np, 0, 48);
    IntelVtd noNest = unit("nesting", "off");
    assertThat(noNest.attach(n, dev(noNest))).isEqualTo(Errno.EINVAL);
    IntelVtd twin = new IntelVtd("dmar9", IntelVtd.Config.defaults());
    assertThat(twin.attach(n, dev(twin))).as("an identical unit can walk it").isNull();
  }

  @Test
  void attach_faultCapableDomainWithoutPri_isEnodev() {
    IntelVtd noPri = unit("pri", "off");
    IommuDevice d = dev(noPri);
    IommuDomain fs = paging(noPri, d, 0);
    fs.setIopfHandler(new Object());
    assertThat(noPri.attach(fs, d)).isEqualTo(Errno.ENODEV);
    assertThat(noPri.setDevPasid(fs, d, 1)).isEqualTo(Errno.ENODEV);
    IommuDomain np = paging(noPri, d, IOMMU_HWPT_ALLOC_NEST_PARENT);
    IommuDomain n = nested(noPri, d, np, 0, 48);
    n.setIopfHandler(new Object());
    assertThat(noPri.attach(n, d)).isEqualTo(Errno.ENODEV);
    IntelVtd pri = unit();
    IommuDomain ok = paging(pri, dev(pri), 0);
    ok.setIopfHandler(new Object());
    assertThat(pri.attach(ok, dev(pri))).isNull();
  }

  @Test
  void setDevPasid_blockingDomain_alwaysSucceeds() {
    IntelVtd u = unit();
    assertThat(u.setDevPasid(null, dev(u), 7)).isNull();
  }

  // ---- invalidation ----

  private byte[] inv(long addr, long npages, long flags) {
    return UserMem.struct(iommu_hwpt_vtd_s1_invalidate, "addr", addr, "npages", npages,
        "flags", flags);
  }

  private IommuDomain someNested(IntelVtd u) {
    IommuDevice d = dev(u);
    return nested(u, d, paging(u, d, IOMMU_HWPT_ALLOC_NEST_PARENT), 0, 48);
  }

  @Test
  void invalidate_validEntries_flushInOrder() {
    IntelVtd u = unit();
    IommuDomain n = someNested(u);
    UserArray a = mem.array(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, List.of(
        inv(0, U64.MAX, 0), inv(0x200000, 16, IOMMU_VTD_INV_FLAGS_LEAF), inv(0x3000, 0, 0)));
    assertThat(u.cacheInvalidateUser(n, a)).isNull();
    assertThat(a.handled()).isEqualTo(3);
    assertThat(((IntelVtd.Nested) n.priv()).flushes()).containsExactly(
        new IntelVtd.Flush(0, U64.MAX, false),
        new IntelVtd.Flush(0x200000, 0x20ffff, true),
        new IntelVtd.Flush(0x3000, 0x2fff, false));
  }

  @Test
  void invalidate_wrongType_isEinvalEvenWithNoEntries() {
    IntelVtd u = unit();
    IommuDomain n = someNested(u);
    UserArray a = mem.array(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, List.of());
    assertThat(u.cacheInvalidateUser(n, a)).isEqualTo(Errno.EINVAL);
    assertThat(a.handled()).isZero();
    UserArray none = mem.array(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, List.of());
    assertThat(u.cacheInvalidateUser(n, none)).isNull();
  }

  @Test
  void invalidate_perEntryRefusals_stopThereAndCountWhatWasDone() {
    IntelVtd u = unit();
    IommuDomain n = someNested(u);
    Object[][] cases = {
        {inv(0, 1, 2), Errno.EOPNOTSUPP},
        {UserMem.struct(iommu_hwpt_vtd_s1_invalidate, "npages", 1L, "__reserved", 1L),
            Errno.EOPNOTSUPP},
        {inv(0x1001, 1, 0), Errno.EINVAL},
        {inv(0x1000, U64.MAX, 0), Errno.EINVAL},
    };
    for (Object[] c : cases) {
      UserArray a = mem.array(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
          List.of(inv(0x1000, 1, 0), (byte[]) c[0], inv(0x2000, 1, 0)));
      assertThat(u.cacheInvalidateUser(n, a)).isEqualTo(c[1]);
      assertThat(a.handled()).isEqualTo(1);
    }
    assertThat(((IntelVtd.Nested) n.priv()).flushes()).hasSize(4)
        .allMatch(f -> f.first() == 0x1000);
  }

  @Test
  void invalidate_entryLenOtherThan24_isEinval() {
    IntelVtd u = unit();
    IommuDomain n = someNested(u);
    byte[] raw = new byte[64];
    assertThat(u.cacheInvalidateUser(n, mem.array(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, 16, raw, 1)))
        .isEqualTo(Errno.EINVAL);
    assertThat(u.cacheInvalidateUser(n, mem.array(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, 32, raw, 1)))
        .isEqualTo(Errno.EINVAL);
    UserArray unreadable = new UserArray(mem.task, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, 0x10, 24, 1);
    assertThat(u.cacheInvalidateUser(n, unreadable)).isEqualTo(Errno.EFAULT);
  }

  // ---- dirty tracking ----

  @Test
  void setDirtyTracking_recordsTheState() {
    IntelVtd u = unit();
    IommuDomain d = paging(u, dev(u), IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
    assertThat(u.setDirtyTracking(d, true)).isNull();
    assertThat(d.dirtyTracking()).isTrue();
    assertThat(u.setDirtyTracking(d, true)).isNull();
    assertThat(u.setDirtyTracking(d, false)).isNull();
    assertThat(d.dirtyTracking()).isFalse();
    assertThat(u.setDirtyTracking(paging(u, dev(u), 0), true)).isEqualTo(Errno.EINVAL);
  }

  @Test
  void config_defaults_matchTheDocumentedUnit() {
    assertThat(IntelVtd.Config.defaults())
        .isEqualTo(new IntelVtd.Config(true, 48, true, true, true, false));
    assertThat(IntelVtd.Config.parse(Map.of("iommu", "x", "pasid_bits", "20")))
        .isEqualTo(IntelVtd.Config.defaults());
  }
}
