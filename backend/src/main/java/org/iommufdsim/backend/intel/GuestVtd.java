package org.iommufdsim.backend.intel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The guest-facing half of QEMU's emulated VT-d ({@code IntelIOMMUState} and what the guest
 * programmed into it), reduced to what {@code intel_iommu_accel.c} reads and produces: the
 * vIOMMU switches ({@code svm}, {@code pasid} bits, DMA remapping, scalable root table), the
 * guest context entry's {@code PRE} bit, the guest's PASID table (scalable-mode PASID entries,
 * by PASID), the page requests the vIOMMU injected ({@code pri_request_page}) and the page-group
 * responses the guest gives back. Explicit, deterministic and seedable ({@link #seeded}) so that
 * property tests can drive it; no descriptor queues or memory layouts are modelled.
 */
public final class GuestVtd {
  /** Scalable-mode PASID entry PGTT: first-stage translation ({@code VTD_SM_PASID_ENTRY_FST}). */
  public static final int VTD_SM_PASID_ENTRY_FST = 1;
  /** PGTT: second-stage only ({@code VTD_SM_PASID_ENTRY_SST}), rejected by accel mode. */
  public static final int VTD_SM_PASID_ENTRY_SST = 2;
  /** PGTT: nested ({@code VTD_SM_PASID_ENTRY_NESTED}), rejected by accel mode. */
  public static final int VTD_SM_PASID_ENTRY_NESTED = 3;
  /** PGTT: pass-through ({@code VTD_SM_PASID_ENTRY_PT}). */
  public static final int VTD_SM_PASID_ENTRY_PT = 4;
  /** VT-d page-group response codes (spec §7.7.1): success, invalid request, response failure. */
  public static final int VTD_PRS_SUCCESS = 0;
  public static final int VTD_PRS_INVALID = 1;
  public static final int VTD_PRS_FAILURE = 0xf;

  /**
   * A scalable-mode PASID table entry as the guest wrote it: PGTT, domain id, first-stage table
   * pointer, first-stage address width (48 or 57 bits: FLPM 0/1), SRE, WPE, EAFE.
   */
  public record PasidEntry(int pgtt, int did, long fsptptr, int addrWidth, boolean sre,
      boolean wpe, boolean eafe) {
    public static PasidEntry fst(int did, long fsptptr) {
      return new PasidEntry(VTD_SM_PASID_ENTRY_FST, did, fsptptr, 48, false, false, false);
    }

    public static PasidEntry pt(int did) {
      return new PasidEntry(VTD_SM_PASID_ENTRY_PT, did, 0, 48, false, false, false);
    }
  }

  /** One {@code pri_request_page(bus, s, devfn, pasid, priv, exec, addr, lpig, prgi, rd, wr)}. */
  public record PageRequest(int devfn, int pasid, boolean priv, boolean exec, long addr,
      boolean lastPage, int prgi, boolean read, boolean write) {}

  /** A guest page-group response descriptor: requester id, PASID, PRGI, response code. */
  public record PageGroupResponse(int rid, int pasid, int prgi, int responseCode) {}

  public boolean svm = true;
  /** {@code s->pasid}: the vIOMMU's PASID width in bits (0: no PASID support). */
  public int pasidBits = 20;
  public boolean dmarEnabled = true;
  public boolean rootScalable = true;
  /** The guest context entry's PRE (page request enable) bit. */
  public boolean contextPre = true;
  private final Map<Integer, PasidEntry> pasidTable = new TreeMap<>();
  private final List<PageRequest> pageRequests = new ArrayList<>();

  /** The guest's PASID table, by PASID (a sorted view). */
  public Map<Integer, PasidEntry> pasidTable() {
    return Collections.unmodifiableMap(pasidTable);
  }

  public void setPasidEntry(int pasid, PasidEntry e) {
    pasidTable.put(pasid, e);
  }

  public void clearPasidEntry(int pasid) {
    pasidTable.remove(pasid);
  }

  /** Port seam of {@code pri_request_page(...)}: the vIOMMU queues a page request to the guest. */
  public void priRequestPage(PageRequest r) {
    pageRequests.add(r);
  }

  /** The page requests injected so far, in order. */
  public List<PageRequest> pageRequests() {
    return Collections.unmodifiableList(pageRequests);
  }

  /** The guest's answer to a request: a page-group response for its PRGI (only last pages). */
  public PageGroupResponse respond(int rid, PageRequest r, int code) {
    return new PageGroupResponse(rid, r.pasid(), r.prgi(), code);
  }

  /**
   * A guest with {@code n} PASID entries drawn from {@code seed}: PASIDs 0..4095 (no
   * duplicates; 0 is RID_PASID), 3 in 4 first-stage (4 KiB-aligned table pointers, random SRE/WPE, address
   * width 48) and the rest pass-through; DIDs 1..15.
   */
  public static GuestVtd seeded(long seed, int n) {
    Random r = new Random(seed);
    GuestVtd g = new GuestVtd();
    while (g.pasidTable.size() < n) {
      int pasid = r.nextInt(Math.min(1 << g.pasidBits, 4096));
      int did = 1 + r.nextInt(15);
      PasidEntry e = r.nextInt(4) == 0 ? PasidEntry.pt(did)
          : new PasidEntry(VTD_SM_PASID_ENTRY_FST, did, (1L + r.nextInt(1 << 20)) << 12, 48,
              r.nextBoolean(), r.nextBoolean(), false);
      g.pasidTable.putIfAbsent(pasid, e);
    }
    return g;
  }
}
