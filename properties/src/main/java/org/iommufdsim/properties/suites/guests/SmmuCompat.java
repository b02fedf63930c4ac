package org.iommufdsim.properties.suites.guests;

import java.util.Map;

/**
 * The properties' own expectation of QEMU's host/guest SMMUv3 compatibility check
 * ({@code smmuv3_accel_check_hw_compatible}, hw/arm/smmuv3-accel.c, read from QEMU's source):
 * the ID-register fields it compares, in the order it compares them, and the message of the
 * first mismatch. The host's ID registers come from the simulator's documentation of its
 * {@code arm_smmuv3} model (two-level stream table, little-endian AArch64 tables, 16-bit
 * StreamIDs, 20-bit SubstreamIDs, range invalidation, 48-bit OAS, 4K/16K/64K granules, ATS per
 * the {@code ats} option), never from the port. The guest's are the vSMMU's configuration the
 * program chose ({@link #VARIANTS}).
 */
final class SmmuCompat {
  private SmmuCompat() {}

  /** A field of an ID register: register index, shift, width. */
  record Field(int reg, int shift, int width) {
    int get(int[] idr) {
      return (idr[reg] >>> shift) & ((1 << width) - 1);
    }

    void set(int[] idr, int v) {
      int m = ((1 << width) - 1) << shift;
      idr[reg] = (idr[reg] & ~m) | (v << shift);
    }
  }

  static final Field STLEVEL = new Field(0, 27, 2);
  static final Field TTENDIAN = new Field(0, 21, 2);
  static final Field TTF = new Field(0, 2, 2);
  static final Field ATS = new Field(0, 10, 1);
  static final Field SIDSIZE = new Field(1, 0, 6);
  static final Field SSIDSIZE = new Field(1, 6, 5);
  static final Field RIL = new Field(3, 10, 1);
  static final Field OAS = new Field(5, 0, 3);
  static final Field GRAN4K = new Field(5, 4, 1);
  static final Field GRAN16K = new Field(5, 5, 1);
  static final Field GRAN64K = new Field(5, 6, 1);

  /** A guest vSMMU variation: its name and the field values it sets (none: QEMU's defaults). */
  record Variant(String name, Map<Field, Integer> fields) {}

  static final Variant[] VARIANTS = {
      new Variant("defaults", Map.of()),
      new Variant("ats=on", Map.of(ATS, 1)),
      new Variant("ssidsize=20", Map.of(SSIDSIZE, 20)),
      new Variant("oas=48", Map.of(OAS, 5)),
      new Variant("oas=52", Map.of(OAS, 6)),
      new Variant("oas=56", Map.of(OAS, 7)),
      new Variant("linear stream table", Map.of(STLEVEL, 0)),
      new Variant("mixed-endian tables", Map.of(TTENDIAN, 0)),
      new Variant("AArch32+64 tables", Map.of(TTF, 3)),
      new Variant("sidsize=17", Map.of(SIDSIZE, 17)),
      new Variant("ssidsize=21", Map.of(SSIDSIZE, 21)),
      new Variant("ril=off", Map.of(RIL, 0)),
      new Variant("no 4K granule", Map.of(GRAN4K, 0)),
      new Variant("no 16K granule", Map.of(GRAN16K, 0)),
      new Variant("no 64K granule", Map.of(GRAN64K, 0)),
  };

  /** The simulator's arm_smmuv3 ID registers (the fields compared) for its {@code ats} option. */
  static int[] hostIdr(boolean ats) {
    int[] idr = new int[6];
    STLEVEL.set(idr, 1);
    TTENDIAN.set(idr, 2);
    TTF.set(idr, 2);
    ATS.set(idr, ats ? 1 : 0);
    SIDSIZE.set(idr, 16);
    SSIDSIZE.set(idr, 20);
    RIL.set(idr, 1);
    OAS.set(idr, 5);
    GRAN4K.set(idr, 1);
    GRAN16K.set(idr, 1);
    GRAN64K.set(idr, 1);
    return idr;
  }

  private static int ipaBits(int oas) {
    return new int[] {32, 36, 40, 42, 44, 48, 52, 56}[oas];
  }

  /** QEMU's message for the first incompatibility of host and guest, or null: compatible. */
  static String expected(int[] host, int[] guest) {
    if (STLEVEL.get(host) != STLEVEL.get(guest)) {
      return "Host SMMUv3 Stream Table format mismatch (host STLEVEL=" + STLEVEL.get(host)
          + ", QEMU STLEVEL=" + STLEVEL.get(guest) + ")";
    }
    if (TTENDIAN.get(host) > TTENDIAN.get(guest)) {
      return "Host SMMUv3 doesn't support Little-endian translation table";
    }
    if (TTF.get(host) < TTF.get(guest)) {
      return "Host SMMUv3 doesn't support AArch64 translation table format";
    }
    if (SIDSIZE.get(host) < SIDSIZE.get(guest)) {
      return "Host SMMUv3 SIDSIZE not compatible (host=" + SIDSIZE.get(host) + ", QEMU="
          + SIDSIZE.get(guest) + ")";
    }
    if (SSIDSIZE.get(host) < SSIDSIZE.get(guest)) {
      return "Host SMMUv3 SSIDSIZE not compatible (host=" + SSIDSIZE.get(host) + ", QEMU="
          + SSIDSIZE.get(guest) + ")";
    }
    if (RIL.get(host) < RIL.get(guest)) {
      return "Host SMMUv3 doesn't support Range Invalidation";
    }
    if (OAS.get(host) < OAS.get(guest)) {
      return "Host SMMUv3 supports only " + ipaBits(OAS.get(host)) + "-bit IPA, but the vSMMU"
          + " OAS implies " + ipaBits(OAS.get(guest)) + "-bit IPA";
    }
    if (ATS.get(host) < ATS.get(guest)) {
      return "Host SMMUv3 doesn't support Address Translation Services";
    }
    Field[] grans = {GRAN4K, GRAN16K, GRAN64K};
    String[] names = {"4K", "16K", "64K"};
    for (int g = 0; g < 3; g++) {
      if (grans[g].get(host) != grans[g].get(guest)) {
        return "Host SMMUv3 doesn't support " + names[g] + " translation granule";
      }
    }
    return null;
  }
}
