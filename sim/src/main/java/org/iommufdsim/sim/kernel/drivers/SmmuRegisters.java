package org.iommufdsim.sim.kernel.drivers;

/**
 * The Arm SMMUv3 formats the Linux driver (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h) reads
 * and writes at the iommufd boundary: the ID registers GET_HW_INFO reports, the two Stream
 * Table Entry words a guest gives for a nested domain, the command-queue entries of a vIOMMU
 * invalidation and the event-queue record of a vEVENT. All words are little-endian u64 (or u32
 * for the ID registers).
 *
 * <p>The ID register values ({@link #idr}) describe a plausible SMMUv3.2 implementation: every
 * field is listed with the value chosen. The options change S2P (nesting), HTTU (dirty), PRI,
 * ATS, STALL_MODEL/STALL_MAX (stall) and IDR3.FWB (fwb).
 */
final class SmmuRegisters {
  private SmmuRegisters() {}

  // ---- IDR0 ----
  static final int IDR0_S2P = 0;
  static final int IDR0_S1P = 1;
  static final int IDR0_TTF = 2; // 3:2, 2 = AArch64
  static final int IDR0_COHACC = 4;
  static final int IDR0_HTTU = 6; // 7:6, 1 = access flag, 2 = access + dirty
  static final int IDR0_HYP = 9;
  static final int IDR0_ATS = 10;
  static final int IDR0_ASID16 = 12;
  static final int IDR0_MSI = 13;
  static final int IDR0_SEV = 14;
  static final int IDR0_PRI = 16;
  static final int IDR0_VMID16 = 18;
  static final int IDR0_CD2L = 19;
  static final int IDR0_TTENDIAN = 21; // 22:21, 2 = little-endian
  static final int IDR0_STALL_MODEL = 24; // 25:24, 0 = stall, 1 = no stall, 2 = forced
  static final int IDR0_ST_LVL = 27; // 28:27, 1 = two-level stream table
  // ---- IDR1 ----
  static final int IDR1_SIDSIZE = 0; // 5:0
  static final int IDR1_SSIDSIZE = 6; // 10:6
  static final int IDR1_PRIQS = 11; // 15:11
  static final int IDR1_EVTQS = 16; // 20:16
  static final int IDR1_CMDQS = 21; // 25:21
  // ---- IDR3 ----
  static final int IDR3_FWB = 8;
  static final int IDR3_RIL = 10;
  // ---- IDR5 ----
  static final int IDR5_OAS = 0; // 2:0, 5 = 48 bits
  static final int IDR5_GRAN4K = 4;
  static final int IDR5_GRAN16K = 5;
  static final int IDR5_GRAN64K = 6;
  static final int IDR5_STALL_MAX = 16; // 31:16

  /** IIDR: implementer 0x43B (Arm Ltd's JEP106 code), product, variant and revision 0. */
  // Unverified: an illustrative value; no particular SMMU product is claimed.
  static final int IIDR = 0x43b;
  /** AIDR: ArchMajorRev 0 (SMMUv3), ArchMinorRev 2: SMMUv3.2. */
  static final int AIDR = 0x02;

  /**
   * IDR0..IDR5. IDR0: two-level stream table, stall model per {@code stall} (0 = stall, else 1
   * = none), little-endian tables, two-level CD tables, 16-bit VMIDs and ASIDs, PRI per
   * {@code pri}, SEV, MSI, ATS per {@code ats}, hypervisor stage, HTTU 2 (access and dirty) or
   * 1 (access only) per {@code dirty}, coherent walks, AArch64 tables, stage 1 always and
   * stage 2 per {@code nesting}. IDR1: 2^19-entry queues, 20-bit SubstreamIDs, 16-bit
   * StreamIDs. IDR2 and IDR4 0. IDR3: range invalidation, FWB per {@code fwb}. IDR5: 48-bit
   * output addresses, the 4K/16K/64K granules the options leave on (all by default), 128
   * outstanding stalls when stalling.
   */
  static int[] idr(ArmSmmuV3.Config c) {
    int idr0 = (1 << IDR0_ST_LVL) | ((c.stall() ? 0 : 1) << IDR0_STALL_MODEL)
        | (2 << IDR0_TTENDIAN) | (1 << IDR0_CD2L) | (1 << IDR0_VMID16)
        | flag(c.pri(), IDR0_PRI) | (1 << IDR0_SEV) | (1 << IDR0_MSI) | (1 << IDR0_ASID16)
        | flag(c.ats(), IDR0_ATS) | (1 << IDR0_HYP) | ((c.dirty() ? 2 : 1) << IDR0_HTTU)
        | (1 << IDR0_COHACC) | (2 << IDR0_TTF) | (1 << IDR0_S1P) | flag(c.nesting(), IDR0_S2P);
    int idr1 = (19 << IDR1_CMDQS) | (19 << IDR1_EVTQS) | (19 << IDR1_PRIQS)
        | (20 << IDR1_SSIDSIZE) | (16 << IDR1_SIDSIZE);
    int idr3 = (1 << IDR3_RIL) | flag(c.fwb(), IDR3_FWB);
    int idr5 = ((c.stall() ? 128 : 0) << IDR5_STALL_MAX) | flag(c.gran64k(), IDR5_GRAN64K)
        | flag(c.gran16k(), IDR5_GRAN16K) | flag(c.gran4k(), IDR5_GRAN4K) | (5 << IDR5_OAS);
    return new int[] {idr0, idr1, 0, idr3, 0, idr5};
  }

  static boolean has(int reg, int bit) {
    return ((reg >>> bit) & 1) != 0;
  }

  static int field(int reg, int shift, int width) {
    return (reg >>> shift) & ((1 << width) - 1);
  }

  private static int flag(boolean on, int bit) {
    return on ? 1 << bit : 0;
  }

  // ---- Stream Table Entry words 0 and 1 ----
  static final long STE0_V = 1L;
  static final int STE0_CFG_SHIFT = 1; // 3:1
  static final int CFG_ABORT = 0;
  static final int CFG_BYPASS = 4;
  static final int CFG_S1_TRANS = 5;
  /** V, Config, S1Fmt (5:4), S1ContextPtr (51:6), S1CDMax (63:59). */
  static final long STE0_NESTING_ALLOWED = genmask(51, 0) | genmask(63, 59);
  /** S1DSS (1:0), S1CIR (3:2), S1COR (5:4), S1CSH (7:6), S1STALLD (27), EATS (29:28). */
  static final long STE1_NESTING_ALLOWED = genmask(7, 0) | (1L << 27) | genmask(29, 28);
  static final int STE1_EATS_SHIFT = 28;
  static final long STE1_EATS = genmask(29, 28);
  static final int EATS_ABT = 0;
  static final int EATS_TRANS = 1;

  static int steCfg(long ste0) {
    return (int) ((ste0 >>> STE0_CFG_SHIFT) & 7);
  }

  // ---- command-queue entries ----
  static final long CMDQ_0_OP = 0xff;
  static final int OP_CFGI_STE = 0x03;
  static final int OP_CFGI_ALL = 0x04;
  static final int OP_CFGI_CD = 0x05;
  static final int OP_CFGI_CD_ALL = 0x06;
  static final int OP_TLBI_NH_ALL = 0x10;
  static final int OP_TLBI_NH_ASID = 0x11;
  static final int OP_TLBI_NH_VA = 0x12;
  static final int OP_TLBI_NH_VAA = 0x13;
  static final int OP_TLBI_EL2_ALL = 0x20;
  static final int OP_TLBI_S12_VMALL = 0x28;
  static final int OP_TLBI_S2_IPA = 0x2a;
  static final int OP_TLBI_NSNH_ALL = 0x30;
  static final int OP_ATC_INV = 0x40;
  static final int OP_PRI_RESP = 0x41;
  static final int OP_RESUME = 0x44;
  static final int OP_CMD_SYNC = 0x46;
  /** CMDQ_TLBI_0_VMID (47:32). */
  static final long TLBI_0_VMID = genmask(47, 32);
  /** CMDQ_CFGI_0_SID / CMDQ_ATC_0_SID (63:32). */
  static final long CMD_0_SID = genmask(63, 32);
  /** Commands issued per batch before the CMD_SYNC (CMDQ_BATCH_ENTRIES - 1, 64-bit). */
  static final int BATCH = 63;

  // ---- event-queue records ----
  static final int EVTQ_0_ID_MASK = 0xff;
  static final long EVTQ_0_SID = genmask(63, 32);
  static final long EVTQ_1_STALL = 1L << 31;
  static final long EVTQ_1_S2 = 1L << 39;
  static final int EVT_ID_TRANSLATION_FAULT = 0x10;
  static final int EVT_ID_PERMISSION_FAULT = 0x13;

  static long genmask(int hi, int lo) {
    long upper = hi == 63 ? -1L : (1L << (hi + 1)) - 1;
    return upper & ~((1L << lo) - 1);
  }
}
