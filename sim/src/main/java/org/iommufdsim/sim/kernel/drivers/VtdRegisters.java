package org.iommufdsim.sim.kernel.drivers;

/**
 * The two capability registers of an Intel VT-d remapping unit, CAP_REG and ECAP_REG, as the
 * VT-d specification lays them out and as drivers/iommu/intel/iommu.h decodes them. The driver
 * model makes every decision by decoding these values, like the Linux driver does, so what
 * IOMMU_GET_HW_INFO reports and how the unit behaves cannot drift apart.
 *
 * <p>The values a modelled unit reports ({@link #cap} and {@link #ecap}) are plausible for a
 * 4th-generation Xeon class unit in scalable mode; every field is listed below with the value
 * chosen and why. Fields the option set does not change are fixed.
 */
final class VtdRegisters {
  private VtdRegisters() {}

  // ---- CAP_REG fields (bit positions) ----
  static final int CAP_ND = 0; // 2:0 number of domains, 2^(4+2*ND)
  static final int CAP_PLMR = 5;
  static final int CAP_PHMR = 6;
  static final int CAP_CM = 7; // caching mode: set only by emulated units
  static final int CAP_SAGAW = 8; // 12:8 supported second-stage table depths
  static final int CAP_MGAW = 16; // 21:16 maximum guest address width - 1
  static final int CAP_ZLR = 22;
  static final int CAP_FRO = 24; // 33:24 fault recording offset / 16
  static final int CAP_SLLPS = 34; // 37:34 second-stage large pages: bit0 2M, bit1 1G
  static final int CAP_PSI = 39;
  static final int CAP_NFR = 40; // 47:40 number of fault recording registers - 1
  static final int CAP_MAMV = 48; // 53:48 maximum address mask value
  static final int CAP_DWD = 54;
  static final int CAP_DRD = 55;
  static final int CAP_FL1GP = 56; // first-stage 1 GiB pages
  static final int CAP_PI = 59;
  static final int CAP_FL5LP = 60; // first-stage 5-level paging
  static final int CAP_ESIRTPS = 62;
  static final int CAP_ESRTPS = 63;

  // ---- ECAP_REG fields ----
  static final int ECAP_C = 0; // page-walk coherency (legacy mode)
  static final int ECAP_QI = 1;
  static final int ECAP_DT = 2; // device TLB (ATS)
  static final int ECAP_IR = 3;
  static final int ECAP_EIM = 4;
  static final int ECAP_PT = 6;
  static final int ECAP_SC = 7; // snoop control
  static final int ECAP_IRO = 8; // 17:8 IOTLB register offset / 16
  static final int ECAP_MHMV = 20; // 23:20
  static final int ECAP_NEST = 26; // nested translation
  static final int ECAP_PRS = 29; // page requests
  static final int ECAP_ERS = 30;
  static final int ECAP_SRS = 31; // supervisor requests
  static final int ECAP_NWFS = 33;
  static final int ECAP_EAFS = 34; // extended accessed flag
  static final int ECAP_PSS = 35; // 39:35 PASID size - 1
  static final int ECAP_PASID = 40;
  static final int ECAP_DIT = 41;
  static final int ECAP_PDS = 42; // page-request drain
  static final int ECAP_SMTS = 43; // scalable mode
  static final int ECAP_SLADS = 45; // second-stage accessed/dirty
  static final int ECAP_SLTS = 46; // second-stage translation
  static final int ECAP_FLTS = 47; // first-stage translation
  static final int ECAP_SMPWC = 48; // scalable-mode page-walk coherency
  static final int ECAP_RPS = 49;

  /**
   * The default SAGAW of a {@code mgaw}-bit unit (bit 1 = 3-level, bit 2 = 4-level, bit 3 =
   * 5-level tables): 4-level, plus 5-level for a 57-bit unit. A 39-bit unit walks 4-level tables
   * limited to 39 bits (as Intel's 39-bit client units report, e.g. CAP 0x1c0000c40660462):
   * with first-stage tables, which are at least 4-level, a 3-level-only SAGAW leaves
   * alloc_iommu no valid agaw.
   */
  static long sagawFor(int mgaw) {
    return mgaw == 57 ? (1L << 2) | (1L << 3) : 1L << 2;
  }

  /** The depths a first stage walks (__iommu_calculate_sagaw's fl_sagaw): 4-level, 5 with FL5LP. */
  static int firstStageSagaw(int mgaw) {
    return mgaw == 57 ? (1 << 2) | (1 << 3) : 1 << 2;
  }

  /**
   * CAP_REG of a unit: MGAW, SAGAW, SLLPS (second-stage 2 MiB / 1 GiB pages) and FL1GP
   * (first-stage 1 GiB pages) from the options. Fixed choices: 64Ki domain IDs, PLMR/PHMR, no
   * caching mode (a real unit, not QEMU's), zero-length reads, fault recording at 0x400 with 8
   * records, page-selective invalidation, MAMV 18, read and write draining, posted interrupts,
   * ESIRTPS/ESRTPS; first-stage 5-level paging only for a 57-bit unit.
   */
  static long cap(IntelVtd.Config cfg) {
    int mgaw = cfg.mgaw();
    long c = 6L << CAP_ND;
    c |= bit(CAP_PLMR) | bit(CAP_PHMR);
    c |= (long) cfg.sagaw() << CAP_SAGAW;
    c |= (long) (mgaw - 1) << CAP_MGAW;
    c |= bit(CAP_ZLR);
    c |= 0x40L << CAP_FRO;
    c |= (long) cfg.sllps() << CAP_SLLPS;
    c |= bit(CAP_PSI);
    c |= 7L << CAP_NFR;
    c |= 0x12L << CAP_MAMV;
    c |= bit(CAP_DWD) | bit(CAP_DRD) | flag(cfg.fl1gp(), CAP_FL1GP) | bit(CAP_PI);
    if (mgaw == 57) {
      c |= bit(CAP_FL5LP);
    }
    return c | bit(CAP_ESIRTPS) | bit(CAP_ESRTPS);
  }

  /**
   * ECAP_REG. Fixed choices: coherent, queued invalidation, device TLBs, interrupt remapping
   * (x2APIC), pass-through, snoop control, IOTLB registers at 0x500, MHMV 15, no execute
   * requests, no-write flag, 20-bit PASIDs, device-TLB throttling, page-request drain,
   * scalable mode, coherent scalable-mode walks, RID_PASID. The options set NEST (nesting),
   * PRS (pri), SRS (srs), EAFS (eafs), SLADS (dirty), FLTS (flts) and SLTS (slts).
   */
  static long ecap(IntelVtd.Config cfg) {
    long e = bit(ECAP_C) | bit(ECAP_QI) | bit(ECAP_DT) | bit(ECAP_IR) | bit(ECAP_EIM);
    e |= bit(ECAP_PT) | bit(ECAP_SC);
    e |= 0x50L << ECAP_IRO;
    e |= 0xfL << ECAP_MHMV;
    e |= flag(cfg.nesting(), ECAP_NEST) | flag(cfg.pri(), ECAP_PRS) | flag(cfg.srs(), ECAP_SRS);
    e |= bit(ECAP_NWFS) | flag(cfg.eafs(), ECAP_EAFS);
    e |= 19L << ECAP_PSS;
    e |= bit(ECAP_PASID) | bit(ECAP_DIT) | bit(ECAP_PDS) | bit(ECAP_SMTS);
    e |= flag(cfg.dirty(), ECAP_SLADS);
    return e | flag(cfg.slts(), ECAP_SLTS) | flag(cfg.flts(), ECAP_FLTS) | bit(ECAP_SMPWC)
        | bit(ECAP_RPS);
  }

  // ---- decoding, as the iommu.h macros do ----

  static boolean has(long reg, int bit) {
    return ((reg >>> bit) & 1) != 0;
  }

  static int field(long reg, int shift, int width) {
    return (int) ((reg >>> shift) & ((1L << width) - 1));
  }

  static int mgaw(long cap) {
    return field(cap, CAP_MGAW, 6) + 1;
  }

  static int sagaw(long cap) {
    return field(cap, CAP_SAGAW, 5);
  }

  static int sllps(long cap) {
    return field(cap, CAP_SLLPS, 4);
  }

  private static long bit(int b) {
    return 1L << b;
  }

  private static long flag(boolean on, int b) {
    return on ? bit(b) : 0;
  }
}
