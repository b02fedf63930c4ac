package org.iommufdsim.backend.arm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.ErrorReports;

/**
 * The guest-facing side of QEMU's emulated SMMUv3 ({@code SMMUv3State}, {@code hw/arm/smmuv3.c})
 * reduced to what accelerated mode touches, as a small explicit, deterministic model: the ID
 * registers the guest sees ({@code s->idr}), {@code CR0} ({@code SMMUEN}, {@code EVENTQEN}),
 * {@code GBPA}, the guest's stream table (STE words 0-1 per StreamID, in guest memory), the
 * guest event queue ({@code 1 << log2size} records, {@code GERROR.EVENTQ_ABT_ERR} when it cannot
 * take one) and the command-queue dispatch of the commands accelerated mode forwards. A seeded
 * {@link SplittableRandom} generates guest STEs and invalidation commands for property tests.
 *
 * <p>Register writes call into {@link SMMUv3Accel} where {@code smmuv3.c} does:
 * {@code CR0} → {@code smmuv3_accel_alloc_veventq}, {@code GBPA} →
 * {@code smmuv3_accel_attach_gbpa_hwpt}; commands → {@code smmuv3_accel_install_ste(_range)} and
 * {@code smmuv3_accel_issue_inv_cmd}. The {@code smmuv3.c} side of these calls was not read; it
 * follows the reference (§4.6): a failed command is {@code CERROR_ILL}, a failed register hook is
 * reported with {@code error_report_err}.
 */
public final class GuestSmmu {
  /** {@code R_CR0_SMMUEN_MASK}. */
  public static final int CR0_SMMUEN = 1 << 0;
  /** {@code R_CR0_EVENTQEN_MASK}. */
  public static final int CR0_EVENTQEN = 1 << 2;
  /** {@code R_CR0_CMDQEN_MASK}. */
  public static final int CR0_CMDQEN = 1 << 3;
  /** {@code R_GBPA_ABORT_MASK}. */
  public static final int GBPA_ABORT = 1 << 20;
  /** {@code SMMU_GBPA_RESET_VAL}: SHCFG "use incoming", ABORT clear (bypass). */
  public static final int GBPA_RESET_VAL = 0x1000;
  /** {@code R_GERROR_EVENTQ_ABT_ERR_MASK}. */
  public static final int GERROR_EVENTQ_ABT_ERR = 1 << 2;

  /** Command opcodes ({@code SMMUCommandType}). */
  public static final int CMD_CFGI_STE = 0x03;
  public static final int CMD_CFGI_STE_RANGE = 0x04;
  public static final int CMD_CFGI_CD = 0x05;
  public static final int CMD_CFGI_CD_ALL = 0x06;
  public static final int CMD_TLBI_NH_ALL = 0x10;
  public static final int CMD_TLBI_NH_ASID = 0x11;
  public static final int CMD_TLBI_NH_VA = 0x12;
  public static final int CMD_TLBI_NH_VAA = 0x13;
  public static final int CMD_TLBI_NSNH_ALL = 0x30;
  public static final int CMD_ATC_INV = 0x40;
  public static final int CMD_SYNC = 0x46;

  /** {@code SMMUCmdError}: what the guest sees in {@code CMDQ_CONS.ERR}. */
  public enum CmdError { NONE, ILL }

  /** {@code s->idr[0..5]}, QEMU's accel=on defaults (44-bit OAS, no ATS, no SSIDs). */
  public final int[] idr = {
      (1 << 27) | (1 << 24) | (2 << 21) | (1 << 18) | (1 << 12) | (1 << 4) | (2 << 2)
          | (1 << 1) | 1,
      (19 << 21) | (19 << 16) | 16,
      0,
      1 << 10,
      0,
      (1 << 6) | (1 << 5) | (1 << 4) | 4};
  /** {@code s->cr[0]}. */
  public int cr0;
  /** {@code s->gbpa}. */
  public int gbpa = GBPA_RESET_VAL;
  /** {@code s->gerror}. */
  public int gerror;
  /** {@code s->eventq.log2size}. */
  public int eventqLog2size = 4;
  /** How many times {@code SMMU_IRQ_EVTQ} was raised. */
  public int evtqIrqs;
  /** Events {@code smmuv3_propagate_event} could not queue (each set EVENTQ_ABT_ERR). */
  public int eventsDropped;

  private final ErrorReports stderr;
  private final SmmuTrace trace;
  private final SplittableRandom rng;
  private final Map<Integer, long[]> streamTable = new TreeMap<>();
  private final ArrayDeque<long[]> eventq = new ArrayDeque<>();
  /** {@code s->s_accel}: null when {@code accel=off}. */
  SMMUv3Accel accel;

  public GuestSmmu(ErrorReports stderr, SmmuTrace trace, long seed) {
    this.stderr = stderr;
    this.trace = trace;
    this.rng = new SplittableRandom(seed);
  }

  // ---- what smmuv3.c asks ----

  /** Port of {@code smmu_enabled(s)}. */
  public boolean smmuEnabled() {
    return (cr0 & CR0_SMMUEN) != 0;
  }

  /** Port of {@code smmuv3_eventq_enabled(s)}. */
  public boolean smmuv3EventqEnabled() {
    return (cr0 & CR0_EVENTQEN) != 0;
  }

  /** {@code smmu_find_ste(s, sid, &ste, &event)}: STE words 0-1, or null when none is found. */
  long[] smmuFindSte(int sid) {
    long[] ste = streamTable.get(sid);
    return ste == null ? null : ste.clone();
  }

  // ---- guest actions ----

  /** The guest writes STE words 0-1 of {@code sid} in its stream table (no trap). */
  public void writeSte(int sid, long ste0, long ste1) {
    streamTable.put(sid, new long[] {ste0, ste1});
  }

  /** A guest {@code CR0} write: with accel, may allocate the vEVENTQ. */
  public void writeCr0(int value) {
    cr0 = value;
    if (accel != null) {
      Errp err = Errp.local();
      if (!accel.smmuv3AccelAllocVeventq(err)) {
        stderr.errorReportErr(err);
      }
    }
  }

  /** A guest {@code GBPA} write: with accel, re-attaches every device to abort/bypass. */
  public void writeGbpa(int value) {
    gbpa = value;
    if (accel != null) {
      Errp err = Errp.local();
      if (!accel.smmuv3AccelAttachGbpaHwpt(err)) {
        stderr.errorReportErr(err);
      }
    }
  }

  /** {@code smmuv3_reset} with accel: {@code smmuv3_accel_reset}. */
  public void reset() {
    cr0 = 0;
    gbpa = GBPA_RESET_VAL;
    if (accel != null) {
      accel.smmuv3AccelReset();
    }
  }

  /**
   * One command of the guest's command queue, as {@code smmuv3_cmdq_consume} hands it to
   * accelerated mode: STE invalidations install STEs, the rest is forwarded to the host SMMU.
   */
  public CmdError cmdqConsume(long cmd0, long cmd1) {
    int op = (int) (cmd0 & 0xff);
    int sid = (int) (cmd0 >>> 32);
    Errp err = Errp.local();
    boolean ok = true;
    if (accel == null) {
      return CmdError.NONE;
    }
    switch (op) {
      case CMD_CFGI_STE -> {
        SMMUv3Accel.SMMUv3AccelDevice dev = accel.smmuFindSdev(sid);
        if (dev != null) {
          ok = accel.smmuv3AccelInstallSte(dev, sid, err);
        }
      }
      case CMD_CFGI_STE_RANGE -> {
        int range = (int) (cmd1 & 0x1f);
        long mask = (1L << (range + 1)) - 1;
        long start = sid & ~mask;
        ok = accel.smmuv3AccelInstallSteRange(start, start + mask, err);
      }
      case CMD_CFGI_CD, CMD_CFGI_CD_ALL, CMD_ATC_INV -> {
        SMMUv3Accel.SMMUv3AccelDevice dev = accel.smmuFindSdev(sid);
        ok = accel.smmuv3AccelIssueInvCmd(cmd0, cmd1, dev, err);
      }
      case CMD_TLBI_NH_ALL, CMD_TLBI_NH_ASID, CMD_TLBI_NH_VA, CMD_TLBI_NH_VAA,
          CMD_TLBI_NSNH_ALL -> ok = accel.smmuv3AccelIssueInvCmd(cmd0, cmd1, null, err);
      default -> { }
    }
    if (!ok) {
      stderr.errorReportErr(err);
      return CmdError.ILL;
    }
    return CmdError.NONE;
  }

  /** The guest's event-queue handler: takes every queued record (4 × 64-bit words). */
  public List<long[]> consumeEvents() {
    List<long[]> out = new ArrayList<>(eventq);
    eventq.clear();
    return out;
  }

  /** Records queued and not yet consumed. */
  public int pendingEvents() {
    return eventq.size();
  }

  // ---- events ----

  /**
   * Port of {@code smmuv3_propagate_event(s, evt)}: trace, write into the guest event queue,
   * {@code GERROR.EVENTQ_ABT_ERR} when that fails.
   */
  public void smmuv3PropagateEvent(long[] evt) {
    trace.traceSmmuv3PropagateEvent(smmuEventString((int) (evt[0] & 0xff)),
        (int) (evt[0] >>> 32));
    if (!smmuv3WriteEventq(evt)) {
      eventsDropped++;
      gerror |= GERROR_EVENTQ_ABT_ERR;
    }
  }

  /**
   * Port of {@code smmuv3_write_eventq(s, evt)}: fails when the queue is disabled or full;
   * raises the EVTQ interrupt when the queue is not empty afterwards.
   */
  boolean smmuv3WriteEventq(long[] evt) {
    if (!smmuv3EventqEnabled()) {
      return false;
    }
    if (eventq.size() == 1 << eventqLog2size) {
      return false;
    }
    eventq.addLast(evt.clone());
    evtqIrqs++;
    return true;
  }

  private static final String[] EVENT_STRINGIFY = new String[0x25];

  static {
    String[] names = {"no recorded event", "SMMU_EVT_F_UUT", "SMMU_EVT_C_BAD_STREAMID",
        "SMMU_EVT_F_STE_FETCH", "SMMU_EVT_C_BAD_STE", "SMMU_EVT_F_BAD_ATS_TREQ",
        "SMMU_EVT_F_STREAM_DISABLED", "SMMU_EVT_F_TRANS_FORBIDDEN", "SMMU_EVT_C_BAD_SUBSTREAMID",
        "SMMU_EVT_F_CD_FETCH", "SMMU_EVT_C_BAD_CD", "SMMU_EVT_F_WALK_EABT"};
    System.arraycopy(names, 0, EVENT_STRINGIFY, 0, names.length);
    EVENT_STRINGIFY[0x10] = "SMMU_EVT_F_TRANSLATION";
    EVENT_STRINGIFY[0x11] = "SMMU_EVT_F_ADDR_SIZE";
    EVENT_STRINGIFY[0x12] = "SMMU_EVT_F_ACCESS";
    EVENT_STRINGIFY[0x13] = "SMMU_EVT_F_PERMISSION";
    EVENT_STRINGIFY[0x20] = "SMMU_EVT_F_TLB_CONFLICT";
    EVENT_STRINGIFY[0x21] = "SMMU_EVT_F_CFG_CONFLICT";
    EVENT_STRINGIFY[0x24] = "SMMU_EVT_E_PAGE_REQ";
  }

  /** Port of {@code smmu_event_string(type)}. */
  static String smmuEventString(int type) {
    if (type < EVENT_STRINGIFY.length) {
      return EVENT_STRINGIFY[type] != null ? EVENT_STRINGIFY[type] : "UNKNOWN";
    }
    return "INVALID";
  }

  // ---- seeded generators ----

  /**
   * A random guest STE (words 0-1): abort (invalid or Config 0-3), bypass, S1-translate with a
   * CD table pointer (occasionally with bits the host refuses), or a stage-2/nested Config QEMU
   * cannot install.
   */
  public long[] randomSte() {
    int kind = rng.nextInt(10);
    long ctx = (rng.nextLong() & ((1L << 46) - 1)) << 6;
    return switch (kind) {
      case 0 -> new long[] {0, 0};
      case 1 -> new long[] {1, 0};
      case 2, 3 -> new long[] {1 | (4L << 1), 0};
      case 4 -> new long[] {1 | (6L << 1), 0};
      case 5 -> new long[] {1 | (5L << 1) | ctx | (1L << 53), 0};
      default -> new long[] {1 | (5L << 1) | ctx, rng.nextInt(2) == 0 ? 0 : (1L << 28)};
    };
  }

  /** A random forwarded invalidation for one of {@code vsids} (or a stale vSID). */
  public long[] randomInvalidation(int... vsids) {
    int[] ops = {CMD_TLBI_NH_ALL, CMD_TLBI_NH_ASID, CMD_TLBI_NH_VA, CMD_TLBI_NH_VAA,
        CMD_TLBI_NSNH_ALL, CMD_CFGI_CD, CMD_CFGI_CD_ALL, CMD_ATC_INV};
    int op = ops[rng.nextInt(ops.length)];
    long sid = vsids.length == 0 || rng.nextInt(5) == 0 ? 0x77
        : vsids[rng.nextInt(vsids.length)];
    long cmd0 = op;
    if (op == CMD_CFGI_CD || op == CMD_CFGI_CD_ALL || op == CMD_ATC_INV) {
      cmd0 |= sid << 32;
    }
    long cmd1 = op == CMD_TLBI_NH_VA || op == CMD_TLBI_NH_VAA
        ? (rng.nextLong() & 0xfffffffff000L) : 0;
    return new long[] {cmd0, cmd1};
  }

  /** Next int in {@code [0, bound)} from the seeded stream. */
  public int nextInt(int bound) {
    return rng.nextInt(bound);
  }

  @Override
  public String toString() {
    return "GuestSmmu(cr0=0x" + Integer.toHexString(cr0) + ", gbpa=0x"
        + Integer.toHexString(gbpa) + ", gerror=0x" + Integer.toHexString(gerror) + ", idr="
        + Arrays.toString(idr) + ")";
  }
}
