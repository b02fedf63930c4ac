package org.iommufdsim.backend.arm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD;
import org.iommufdsim.backend.IOMMUFDBackend;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.Libc;
import org.iommufdsim.backend.os.Strerror;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.LongRef;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.backend.vfio.VFIODevice;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdUapi;

/**
 * Port of {@code hw/arm/smmuv3-accel.c} (qemu/qemu @13b941aa, the vEVENTQ-era tree): an
 * {@code arm-smmuv3,accel=on} vSMMU backed by an iommufd vIOMMU. Holds {@code SMMUv3AccelState}
 * (vIOMMU, vEVENTQ, abort/bypass HWPT ids, device list) and the per-devfn
 * {@code SMMUv3AccelDevice}s; its methods are the file's functions (their {@code SMMUv3State *s}
 * is the {@link GuestSmmu} this object was made for). It is the vIOMMU a {@link VFIODevice}
 * asks for flags ({@code get_viommu_flags}: {@code VIOMMU_FLAG_WANT_NESTING_PARENT}).
 */
public final class SMMUv3Accel implements VFIODevice.Viommu {
  /** {@code SMMU_STE_VALID}. */
  static final long SMMU_STE_VALID = 1L;
  /** {@code SMMU_STE_CFG_BYPASS}. */
  static final long SMMU_STE_CFG_BYPASS = 1L << 3;
  /** {@code STE0_MASK}: S1CDMAX | S1CTXPTR | S1FMT | CONFIG | V. */
  static final long STE0_MASK = mask(59, 5) | mask(6, 50) | mask(4, 2) | mask(1, 3) | mask(0, 1);
  /** {@code STE1_MASK}: EATS | S1STALLD | S1CSH | S1COR | S1CIR | S1DSS. */
  static final long STE1_MASK = mask(28, 2) | mask(27, 1) | mask(6, 2) | mask(4, 2) | mask(2, 2)
      | mask(0, 2);
  /** {@code sizeof(Cmd)}. */
  static final int SIZEOF_CMD = 16;
  /** {@code F_GETFL}, {@code F_SETFL}, {@code O_NONBLOCK} (x86-64/arm64 glibc). */
  static final int F_GETFL = 3;
  static final int F_SETFL = 4;
  static final int O_NONBLOCK = 04000;

  /** {@code MAKE_64BIT_MASK(shift, length)}. */
  private static long mask(int shift, int length) {
    return (length == 64 ? -1L : (1L << length) - 1) << shift;
  }

  /** {@code IOMMUFDViommu} ({@code include/system/iommufd.h}). */
  public static final class IOMMUFDViommu {
    public IOMMUFDBackend iommufd;
    public int s2HwptId;
    public int viommuId;
  }

  /** {@code IOMMUFDVeventq} ({@code include/system/iommufd.h}). */
  public static final class IOMMUFDVeventq {
    public int veventqId;
    public int veventqFd;
    public IOMMUFDViommu viommu;
    public int lastEventSeq;
    public boolean eventStart;
  }

  /** {@code IOMMUFDVdev}. */
  public static final class IOMMUFDVdev {
    public int vdeviceId;
    public int virtId;
  }

  /** {@code SMMUS1Hwpt}. */
  public static final class SMMUS1Hwpt {
    public int hwptId;
  }

  /** {@code SMMUv3AccelDevice}: {@code sdev} is its devfn (bus 0: the StreamID is the devfn). */
  public static final class SMMUv3AccelDevice {
    public final int devfn;
    public HostIOMMUDeviceIOMMUFD hiodi;
    public SMMUS1Hwpt s1Hwpt;
    public IOMMUFDVdev vdev;
    /** {@code s_accel}: non-null while the device is accelerated. */
    public SMMUv3Accel sAccel;

    SMMUv3AccelDevice(int devfn) {
      this.devfn = devfn;
    }

    /** {@code smmu_get_sid(&accel_dev->sdev)}: {@code PCI_BUILD_BDF(0, devfn)}. */
    public int smmuGetSid() {
      return devfn;
    }
  }

  private final Qemu qemu;
  private final Libc libc;
  private final GuestSmmu s;
  private final MainLoop mainLoop;
  private final SmmuTrace trace;

  // SMMUv3AccelState
  public IOMMUFDViommu viommu;
  public IOMMUFDVeventq veventq;
  public int bypassHwptId;
  public int abortHwptId;
  /** {@code device_list} (QLIST_INSERT_HEAD: newest first). */
  public final List<SMMUv3AccelDevice> deviceList = new ArrayList<>();
  /** {@code sbus->pbdev[devfn]}. */
  private final Map<Integer, SMMUv3AccelDevice> pbdev = new LinkedHashMap<>();
  /** The {@code static bool} of each {@code error_report_once} call site. */
  private final boolean[] reportedOnce = new boolean[4];

  /**
   * Port of {@code smmuv3_accel_init(s, errp)}: allocates {@code s->s_accel} and installs the
   * accel ops. ({@code auto} properties and the shared address space are not modelled.)
   */
  public SMMUv3Accel(Qemu qemu, GuestSmmu s, MainLoop mainLoop) {
    this.qemu = Objects.requireNonNull(qemu);
    this.libc = qemu.libc();
    this.s = Objects.requireNonNull(s);
    this.mainLoop = Objects.requireNonNull(mainLoop);
    this.trace = new SmmuTrace(qemu.trace());
    s.accel = this;
  }

  // ---- hardware compatibility ----

  private static int ex(int reg, int shift, int len) {
    return (reg >>> shift) & ((1 << len) - 1);
  }

  /** Port of {@code smmuv3_oas_bits(oas)}. */
  static int smmuv3OasBits(int oas) {
    int[] map = {32, 36, 40, 42, 44, 48, 52, 56};
    if (oas >= map.length) {
      throw new IllegalStateException("g_assert(oas < ARRAY_SIZE(map))");
    }
    return map[oas];
  }

  /**
   * Port of {@code smmuv3_accel_check_hw_compatible(s, info, errp)}: the host SMMU's ID
   * registers against the vSMMU's ({@code auto} finalisation is not modelled).
   */
  boolean smmuv3AccelCheckHwCompatible(int[] info, Errp errp) {
    int[] idr = s.idr;
    if (ex(info[0], 27, 2) != ex(idr[0], 27, 2)) {
      errp.setg("Host SMMUv3 Stream Table format mismatch (host STLEVEL=" + ex(info[0], 27, 2)
          + ", QEMU STLEVEL=" + ex(idr[0], 27, 2) + ")");
      return false;
    }
    if (ex(info[0], 21, 2) > ex(idr[0], 21, 2)) {
      errp.setg("Host SMMUv3 doesn't support Little-endian translation table");
      return false;
    }
    if (ex(info[0], 2, 2) < ex(idr[0], 2, 2)) {
      errp.setg("Host SMMUv3 doesn't support AArch64 translation table format");
      return false;
    }
    if (ex(info[1], 0, 6) < ex(idr[1], 0, 6)) {
      errp.setg("Host SMMUv3 SIDSIZE not compatible (host=" + ex(info[1], 0, 6) + ", QEMU="
          + ex(idr[1], 0, 6) + ")");
      return false;
    }
    if (ex(info[1], 6, 5) < ex(idr[1], 6, 5)) {
      errp.setg("Host SMMUv3 SSIDSIZE not compatible (host=" + ex(info[1], 6, 5) + ", QEMU="
          + ex(idr[1], 6, 5) + ")");
      return false;
    }
    if (ex(info[3], 10, 1) < ex(idr[3], 10, 1)) {
      errp.setg("Host SMMUv3 doesn't support Range Invalidation");
      return false;
    }
    if (ex(info[5], 0, 3) < ex(idr[5], 0, 3)) {
      errp.setg("Host SMMUv3 supports only " + smmuv3OasBits(ex(info[5], 0, 3))
          + "-bit IPA, but the vSMMU OAS implies " + smmuv3OasBits(ex(idr[5], 0, 3))
          + "-bit IPA");
      return false;
    }
    if (ex(info[0], 10, 1) < ex(idr[0], 10, 1)) {
      errp.setg("Host SMMUv3 doesn't support Address Translation Services");
      return false;
    }
    if (ex(info[5], 4, 1) != ex(idr[5], 4, 1)) {
      errp.setg("Host SMMUv3 doesn't support 4K translation granule");
      return false;
    }
    if (ex(info[5], 5, 1) != ex(idr[5], 5, 1)) {
      errp.setg("Host SMMUv3 doesn't support 16K translation granule");
      return false;
    }
    if (ex(info[5], 6, 1) != ex(idr[5], 6, 1)) {
      errp.setg("Host SMMUv3 doesn't support 64K translation granule");
      return false;
    }
    return true;
  }

  /**
   * Port of {@code smmuv3_accel_hw_compatible(s, hiodi, errp)}: {@code IOMMU_GET_HW_INFO} into
   * a local {@code struct iommu_hw_info_arm_smmuv3}, then the type and the ID registers.
   */
  boolean smmuv3AccelHwCompatible(HostIOMMUDeviceIOMMUFD hiodi, Errp errp) {
    try (Frame f = libc.frame()) {
      UStruct info = f.local(IommufdUapi.iommu_hw_info_arm_smmuv3);
      IntRef dataType = new IntRef();
      LongRef caps = new LongRef();
      if (!hiodi.iommufd().iommufdBackendGetDeviceInfo(hiodi.devid(), dataType, info.addr(),
          info.size(), caps, null, errp)) {
        return false;
      }
      if (dataType.value != IommufdUapi.IOMMU_HW_INFO_TYPE_ARM_SMMUV3) {
        errp.setg("Wrong data type (" + dataType.value + ") for Host SMMUv3 device info");
        return false;
      }
      int[] idr = new int[6];
      for (int i = 0; i < 6; i++) {
        idr[i] = info.u32("idr[" + i + "]");
      }
      return smmuv3AccelCheckHwCompatible(idr, errp);
    }
  }

  /** Port of {@code smmuv3_accel_get_dev(bs, sbus, bus, devfn)}: find or create. */
  SMMUv3AccelDevice smmuv3AccelGetDev(int devfn) {
    return pbdev.computeIfAbsent(devfn, SMMUv3AccelDevice::new);
  }

  /** {@code smmu_find_sdev(bs, sid)}: the device at that StreamID, or null. */
  SMMUv3AccelDevice smmuFindSdev(int sid) {
    return pbdev.get(sid);
  }

  /** Port of {@code smmuv3_accel_gbpa_hwpt(s, accel)}. */
  int smmuv3AccelGbpaHwpt() {
    return (s.gbpa & GuestSmmu.GBPA_ABORT) != 0 ? abortHwptId : bypassHwptId;
  }

  // ---- vdevice and STEs ----

  /**
   * Port of {@code smmuv3_accel_alloc_vdev(accel_dev, sid, errp)}: once per device, a vdevice
   * whose virtual ID is the guest StreamID.
   */
  boolean smmuv3AccelAllocVdev(SMMUv3AccelDevice accelDev, int sid, Errp errp) {
    HostIOMMUDeviceIOMMUFD hiodi = accelDev.hiodi;
    if (hiodi == null || accelDev.vdev != null) {
      return true;
    }
    IntRef vdeviceId = new IntRef();
    if (!hiodi.iommufd().iommufdBackendAllocVdev(hiodi.devid(), viommu.viommuId,
        sid & 0xffffffffL, vdeviceId, errp)) {
      return false;
    }
    IOMMUFDVdev vdev = new IOMMUFDVdev();
    vdev.vdeviceId = vdeviceId.value;
    vdev.virtId = sid;
    accelDev.vdev = vdev;
    return true;
  }

  /**
   * Port of {@code smmuv3_accel_dev_alloc_translate(accel_dev, ste, errp)}: a nested HWPT on
   * the vIOMMU from the guest STE's words 0-1, masked to the fields the host may see.
   */
  SMMUS1Hwpt smmuv3AccelDevAllocTranslate(SMMUv3AccelDevice accelDev, long[] ste, Errp errp) {
    HostIOMMUDeviceIOMMUFD hiodi = accelDev.hiodi;
    try (Frame f = libc.frame()) {
      UStruct nestedData = f.local(IommufdUapi.iommu_hwpt_arm_smmuv3);
      nestedData.set("ste[0]", ste[0] & STE0_MASK);
      nestedData.set("ste[1]", ste[1] & STE1_MASK);
      IntRef hwptId = new IntRef();
      int flags = 0;
      if (!hiodi.iommufd().iommufdBackendAllocHwpt(hiodi.devid(), viommu.viommuId, flags,
          (int) IommufdUapi.IOMMU_HWPT_DATA_ARM_SMMUV3, nestedData.size(), nestedData.addr(), 0,
          hwptId, errp)) {
        return null;
      }
      SMMUS1Hwpt s1Hwpt = new SMMUS1Hwpt();
      s1Hwpt.hwptId = hwptId.value;
      trace.traceSmmuv3AccelTranslateSte(accelDev.vdev.virtId, hwptId.value,
          nestedData.get("ste[1]"), nestedData.get("ste[0]"));
      return s1Hwpt;
    }
  }

  private static boolean steCfgAbort(int config) {
    return (config & 0x4) == 0;
  }

  /**
   * Port of {@code smmuv3_accel_install_ste(s, sdev, sid, errp)}: make sure the device has its
   * vdevice (kept even if what follows fails), then attach the HWPT the guest STE asks for:
   * the GBPA one while the SMMU is disabled, abort for an invalid or aborting STE, bypass, or a
   * new nested HWPT for S1-translate (freed if the attach fails); the previous S1 HWPT is freed
   * after a successful attach. Another Config is "Invalid STE config".
   */
  public boolean smmuv3AccelInstallSte(SMMUv3AccelDevice accelDev, int sid, Errp errp) {
    if (viommu == null) {
      return true;
    }
    if (accelDev.sAccel == null) {
      return true;
    }
    HostIOMMUDeviceIOMMUFD hiodi = accelDev.hiodi;
    if (!smmuv3AccelAllocVdev(accelDev, sid, errp)) {
      return false;
    }
    long[] ste = s.smmuFindSte(sid);
    if (ste == null) {
      return true;
    }
    int hwptId = 0;
    SMMUS1Hwpt s1Hwpt = null;
    if (!s.smmuEnabled()) {
      hwptId = smmuv3AccelGbpaHwpt();
    } else {
      int config = (int) ((ste[0] >>> 1) & 0x7);
      if ((ste[0] & 1) == 0 || steCfgAbort(config)) {
        hwptId = abortHwptId;
      } else if (config == 0x4) {
        hwptId = bypassHwptId;
      } else if (config == 0x5) {
        s1Hwpt = smmuv3AccelDevAllocTranslate(accelDev, ste, errp);
        if (s1Hwpt == null) {
          return false;
        }
        hwptId = s1Hwpt.hwptId;
      }
    }
    if (hwptId == 0) {
      errp.setg("Invalid STE config for sid 0x" + Integer.toHexString(accelDev.smmuGetSid()));
      return false;
    }
    if (!hiodi.hostIommuDeviceIommufdAttachHwpt(HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID, hwptId,
        errp)) {
      if (s1Hwpt != null) {
        hiodi.iommufd().iommufdBackendFreeId(s1Hwpt.hwptId);
      }
      return false;
    }
    if (accelDev.s1Hwpt != null) {
      hiodi.iommufd().iommufdBackendFreeId(accelDev.s1Hwpt.hwptId);
    }
    accelDev.s1Hwpt = s1Hwpt;
    String type;
    if (hwptId == abortHwptId) {
      type = "abort";
    } else if (hwptId == bypassHwptId) {
      type = "bypass";
    } else {
      type = "translate";
    }
    trace.traceSmmuv3AccelInstallSte(sid, type, hwptId);
    return true;
  }

  /**
   * Port of {@code smmuv3_accel_install_ste_range(s, range, errp)}: every accelerated device
   * whose StreamID is in {@code [start, end]}; each failure is reported, the range fails.
   */
  public boolean smmuv3AccelInstallSteRange(long start, long end, Errp errp) {
    boolean allOk = true;
    if (viommu == null) {
      return true;
    }
    for (SMMUv3AccelDevice accelDev : List.copyOf(deviceList)) {
      int sid = accelDev.smmuGetSid();
      if (Integer.toUnsignedLong(sid) >= start && Integer.toUnsignedLong(sid) <= end) {
        Errp localErr = Errp.local();
        if (!smmuv3AccelInstallSte(accelDev, sid, localErr)) {
          localErr.appendHint("Device 0x" + Integer.toHexString(sid)
              + ": Failed to install STE\n");
          qemu.stderr().errorReportErr(localErr);
          allOk = false;
        }
      }
    }
    if (!allOk) {
      errp.setg("Failed to install all STEs properly");
    }
    return allOk;
  }

  /**
   * Port of {@code smmuv3_accel_issue_inv_cmd(bs, cmd, sdev, errp)}: one guest command (the
   * 16-byte {@code Cmd}, here laid out on the stack) to the host through the vIOMMU; SID-based
   * commands only for devices that have a vdevice.
   */
  public boolean smmuv3AccelIssueInvCmd(long cmd0, long cmd1, SMMUv3AccelDevice sdev,
      Errp errp) {
    IntRef entryNum = new IntRef();
    entryNum.value = 1;
    if (viommu == null) {
      return true;
    }
    if (sdev != null && sdev.vdev == null) {
      return true;
    }
    try (Frame f = libc.frame()) {
      UStruct cmd = f.local(IommufdUapi.iommu_viommu_arm_smmuv3_invalidate);
      cmd.set("cmd[0]", cmd0);
      cmd.set("cmd[1]", cmd1);
      return viommu.iommufd.iommufdBackendInvalidateCache(viommu.viommuId,
          (int) IommufdUapi.IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, SIZEOF_CMD, entryNum,
          cmd.addr(), errp);
    }
  }

  // ---- vEVENTQ ----

  private void errorReportOnce(int site, String message) {
    if (!reportedOnce[site]) {
      reportedOnce[site] = true;
      qemu.stderr().errorReport(message);
    }
  }

  /**
   * Port of {@code smmuv3_accel_event_read(opaque)}, the vEVENTQ fd's read handler: one
   * {@code read} of a header plus one {@code struct iommu_vevent_arm_smmuv3}; EAGAIN/EINTR are
   * quiet; a header-only lost-events record resets sequence tracking; a gap in the sequence
   * numbers is reported; the event goes to the guest ({@code smmuv3_propagate_event}). Every
   * report is {@code error_report_once}.
   */
  public void smmuv3AccelEventRead() {
    IOMMUFDVeventq q = veventq;
    long type = IommufdUapi.IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
    String id = Integer.toUnsignedString(q.veventqId);
    int lastSeq = q.lastEventSeq;
    int hdrSize = IommufdUapi.iommufd_vevent_header.size();
    int bufSize = hdrSize + IommufdUapi.iommu_vevent_arm_smmuv3.size();
    try (Frame f = libc.frame()) {
      long buf = f.alloca(bufSize);
      long bytes = libc.read(q.veventqFd, buf, bufSize);
      if (bytes <= 0) {
        int errno = libc.errno();
        if (errno == Errno.EAGAIN.number() || errno == Errno.EINTR.number()) {
          return;
        }
        errorReportOnce(0, "vEVENTQ(type " + type + " id " + id + "): read failed ("
            + (errno == 0 ? "Success" : Strerror.strerror(errno)) + ")");
        return;
      }
      UStruct hdr = UStruct.at(libc.memory(), IommufdUapi.iommufd_vevent_header, buf);
      if (bytes == hdrSize
          && (hdr.get("flags") & IommufdUapi.IOMMU_VEVENTQ_FLAG_LOST_EVENTS) != 0) {
        errorReportOnce(1, "vEVENTQ(type " + type + " id " + id + "): overflowed");
        q.eventStart = false;
        return;
      }
      if (bytes < bufSize) {
        errorReportOnce(2, "vEVENTQ(type " + type + " id " + id + "): short read(" + bytes
            + "/" + bufSize + " bytes)");
        return;
      }
      int sequence = hdr.u32("sequence");
      if (q.eventStart && sequence - lastSeq != 1) {
        errorReportOnce(3, "vEVENTQ(type " + type + " id " + id + "): lost "
            + Integer.toUnsignedString(sequence - lastSeq - 1) + " event(s)");
      }
      q.lastEventSeq = sequence;
      q.eventStart = true;
      UStruct vevent = UStruct.at(libc.memory(), IommufdUapi.iommu_vevent_arm_smmuv3,
          buf + hdrSize);
      long[] evt = new long[4];
      for (int i = 0; i < 4; i++) {
        evt[i] = vevent.get("evt[" + i + "]");
      }
      s.smmuv3PropagateEvent(evt);
    }
  }

  /** Port of {@code smmuv3_accel_free_veventq(accel)}: handler off, close, free the id. */
  void smmuv3AccelFreeVeventq() {
    IOMMUFDVeventq q = veventq;
    if (q == null) {
      return;
    }
    mainLoop.qemuSetFdHandler(q.veventqFd, null);
    libc.close(q.veventqFd);
    viommu.iommufd.iommufdBackendFreeId(q.veventqId);
    veventq = null;
  }

  /** Port of {@code smmuv3_accel_free_viommu(accel)}: vEVENTQ, bypass, abort, vIOMMU. */
  void smmuv3AccelFreeViommu() {
    IOMMUFDViommu v = viommu;
    if (v == null) {
      return;
    }
    smmuv3AccelFreeVeventq();
    v.iommufd.iommufdBackendFreeId(bypassHwptId);
    v.iommufd.iommufdBackendFreeId(abortHwptId);
    v.iommufd.iommufdBackendFreeId(viommu.viommuId);
    viommu = null;
  }

  private int fcntl(int fd, int cmd, long arg) {
    SysResult r = libc.syscalls().fcntl(fd, cmd, arg);
    if (!r.isOk()) {
      libc.setErrno(r.errno().number());
      return -1;
    }
    return (int) r.value();
  }

  /**
   * Port of {@code smmuv3_accel_alloc_veventq(s, errp)} (also run on every guest CR0 write):
   * nothing without a vIOMMU, with a vEVENTQ already, or while the guest's event queue is off;
   * else {@code IOMMU_VEVENTQ_ALLOC} of depth {@code 1 << log2size}, the fd made non-blocking
   * and its read handler installed.
   */
  public boolean smmuv3AccelAllocVeventq(Errp errp) {
    if (viommu == null) {
      return true;
    }
    if (veventq != null) {
      return true;
    }
    if (!s.smmuv3EventqEnabled()) {
      return true;
    }
    IntRef veventqId = new IntRef();
    IntRef veventqFd = new IntRef();
    if (!viommu.iommufd.iommufdBackendAllocVeventq(viommu.viommuId,
        (int) IommufdUapi.IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1 << s.eventqLog2size, veventqId,
        veventqFd, errp)) {
      return false;
    }
    int flags = fcntl(veventqFd.value, F_GETFL, 0);
    if (flags < 0) {
      errp.setgErrno(libc.errno(), "Failed to get flags for vEVENTQ fd");
      return freeVeventqLabel(veventqId.value, veventqFd.value);
    }
    if (fcntl(veventqFd.value, F_SETFL, flags | O_NONBLOCK) < 0) {
      errp.setgErrno(libc.errno(), "Failed to set O_NONBLOCK on vEVENTQ fd");
      return freeVeventqLabel(veventqId.value, veventqFd.value);
    }
    IOMMUFDVeventq q = new IOMMUFDVeventq();
    q.veventqId = veventqId.value;
    q.veventqFd = veventqFd.value;
    q.viommu = viommu;
    veventq = q;
    mainLoop.qemuSetFdHandler(q.veventqFd, this::smmuv3AccelEventRead);
    return true;
  }

  /** The label {@code free_veventq} of {@code smmuv3_accel_alloc_veventq}. */
  private boolean freeVeventqLabel(int veventqId, int veventqFd) {
    libc.close(veventqFd);
    viommu.iommufd.iommufdBackendFreeId(veventqId);
    return false;
  }

  /**
   * Port of {@code smmuv3_accel_alloc_viommu(s, hiodi, errp)}: the vIOMMU on the device's
   * nesting-parent HWPT, the abort and bypass nested HWPTs, the vEVENTQ if the guest enabled its
   * event queue, and the device attached to the GBPA HWPT; the goto chain {@code free_veventq}
   * → {@code free_bypass_hwpt} → {@code free_abort_hwpt} → {@code free_viommu} on failure.
   */
  boolean smmuv3AccelAllocViommu(HostIOMMUDeviceIOMMUFD hiodi, Errp errp) {
    IOMMUFDBackend be = hiodi.iommufd();
    int s2HwptId = hiodi.hwptId();
    IntRef viommuId = new IntRef();
    if (!be.iommufdBackendAllocViommu(hiodi.devid(), (int) IommufdUapi.IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
        s2HwptId, viommuId, errp)) {
      return false;
    }
    IOMMUFDViommu v = new IOMMUFDViommu();
    v.viommuId = viommuId.value;
    v.s2HwptId = s2HwptId;
    v.iommufd = be;
    viommu = v;

    int stage = 0;
    try (Frame f = libc.frame()) {
      UStruct bypassData = f.local(IommufdUapi.iommu_hwpt_arm_smmuv3);
      bypassData.set("ste[0]", SMMU_STE_CFG_BYPASS | SMMU_STE_VALID);
      UStruct abortData = f.local(IommufdUapi.iommu_hwpt_arm_smmuv3);
      abortData.set("ste[0]", SMMU_STE_VALID);
      IntRef out = new IntRef();
      out.value = abortHwptId;
      if (be.iommufdBackendAllocHwpt(hiodi.devid(), viommuId.value, 0,
          (int) IommufdUapi.IOMMU_HWPT_DATA_ARM_SMMUV3, abortData.size(), abortData.addr(), 0,
          out, errp)) {
        abortHwptId = out.value;
        stage = 1;
        out.value = bypassHwptId;
        if (be.iommufdBackendAllocHwpt(hiodi.devid(), viommuId.value, 0,
            (int) IommufdUapi.IOMMU_HWPT_DATA_ARM_SMMUV3, bypassData.size(), bypassData.addr(),
            0, out, errp)) {
          bypassHwptId = out.value;
          stage = 2;
        }
      }
    }
    if (stage == 2) {
      if (!smmuv3AccelAllocVeventq(errp)) {
        stage = 2;
      } else {
        int hwptId = smmuv3AccelGbpaHwpt();
        if (hiodi.hostIommuDeviceIommufdAttachHwpt(HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID,
            hwptId, errp)) {
          return true;
        }
        stage = 3;
      }
    }
    // free_veventq:
    if (stage >= 3) {
      smmuv3AccelFreeVeventq();
    }
    // free_bypass_hwpt:
    if (stage >= 2) {
      be.iommufdBackendFreeId(bypassHwptId);
    }
    // free_abort_hwpt:
    if (stage >= 1) {
      be.iommufdBackendFreeId(abortHwptId);
    }
    // free_viommu:
    be.iommufdBackendFreeId(v.viommuId);
    viommu = null;
    return false;
  }

  // ---- PCIIOMMUOps ----

  /**
   * Port of {@code smmuv3_accel_set_iommu_device(bus, opaque, devfn, hiod, errp)}: check the
   * host SMMU against the vSMMU, make the vIOMMU with the first device, link the device.
   */
  public boolean smmuv3AccelSetIommuDevice(int devfn, HostIOMMUDeviceIOMMUFD hiodi, Errp errp) {
    SMMUv3AccelDevice accelDev = smmuv3AccelGetDev(devfn);
    if (hiodi == null) {
      return true;
    }
    if (accelDev.hiodi != null) {
      if (accelDev.hiodi != hiodi) {
        errp.setg("Device already has an associated hiodi 0x"
            + Integer.toHexString(hiodi.devid()));
        return false;
      }
      return true;
    }
    if (!smmuv3AccelHwCompatible(hiodi, errp)) {
      return false;
    }
    if (viommu == null) {
      if (!smmuv3AccelAllocViommu(hiodi, errp)) {
        errp.appendHint("Unable to alloc vIOMMU: hiodi devid 0x"
            + Integer.toHexString(hiodi.devid()) + ": ");
        return false;
      }
    }
    // done:
    accelDev.hiodi = hiodi;
    accelDev.sAccel = this;
    deviceList.add(0, accelDev);
    trace.traceSmmuv3AccelSetIommuDevice(devfn, hiodi.devid());
    return true;
  }

  /**
   * Port of {@code smmuv3_accel_unset_iommu_device(bus, opaque, devfn)}: back to the default
   * stage-2 HWPT (a failure is only reported and teardown goes on), free the S1 HWPT and the
   * vdevice, unlink; the last device frees the vIOMMU and everything on it.
   */
  public void smmuv3AccelUnsetIommuDevice(int devfn) {
    SMMUv3AccelDevice accelDev = pbdev.get(devfn);
    if (accelDev == null) {
      return;
    }
    HostIOMMUDeviceIOMMUFD hiodi = Objects.requireNonNull(accelDev.hiodi, "hiodi");
    SMMUv3Accel accel = accelDev.sAccel;
    if (!hiodi.hostIommuDeviceIommufdAttachHwpt(HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID,
        hiodi.hwptId(), Errp.none())) {
      qemu.stderr().errorReport("Unable to attach the default HW pagetable: hiodi devid 0x"
          + Integer.toHexString(hiodi.devid()));
    }
    if (accelDev.s1Hwpt != null) {
      accelDev.hiodi.iommufd().iommufdBackendFreeId(accelDev.s1Hwpt.hwptId);
      accelDev.s1Hwpt = null;
    }
    IOMMUFDVdev vdev = accelDev.vdev;
    if (vdev != null) {
      accel.viommu.iommufd.iommufdBackendFreeId(vdev.vdeviceId);
      accelDev.vdev = null;
    }
    accelDev.hiodi = null;
    accelDev.sAccel = null;
    deviceList.remove(accelDev);
    trace.traceSmmuv3AccelUnsetIommuDevice(devfn, hiodi.devid());
    if (deviceList.isEmpty()) {
      smmuv3AccelFreeViommu();
    }
  }

  /**
   * Port of {@code smmuv3_accel_get_viommu_flags(opaque)}: {@code VIOMMU_FLAG_WANT_NESTING_PARENT}
   * ({@code VIOMMU_FLAG_PASID_SUPPORTED} would follow a non-zero SSIDSIZE, which the guest model
   * does not offer).
   */
  @Override
  public long getViommuFlags() {
    return VFIODevice.VIOMMU_FLAG_WANT_NESTING_PARENT;
  }

  /** SMMUv3 has no {@code get_host_iommu_quirks}: no bypass-RO quirk. */
  @Override
  public boolean hostIommuQuirkBypassRo(int type, long caps, int size) {
    return false;
  }

  /**
   * Port of {@code smmuv3_accel_attach_gbpa_hwpt(s, errp)}: every device to the abort or
   * bypass HWPT per {@code GBPA.ABORT}; failures reported one by one.
   */
  public boolean smmuv3AccelAttachGbpaHwpt(Errp errp) {
    boolean allOk = true;
    if (viommu == null) {
      return true;
    }
    int hwptId = smmuv3AccelGbpaHwpt();
    for (SMMUv3AccelDevice accelDev : List.copyOf(deviceList)) {
      Errp localErr = Errp.local();
      if (!accelDev.hiodi.hostIommuDeviceIommufdAttachHwpt(
          HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID, hwptId, localErr)) {
        localErr.appendHint("Failed to attach GBPA hwpt " + Integer.toUnsignedString(hwptId)
            + " for hiodi devid " + Integer.toUnsignedString(accelDev.hiodi.devid()));
        qemu.stderr().errorReportErr(localErr);
        allOk = false;
      }
    }
    if (!allOk) {
      errp.setg("Failed to attach all GBPA based HWPTs properly");
    }
    return allOk;
  }

  /** Port of {@code smmuv3_accel_reset(s)}. */
  public void smmuv3AccelReset() {
    smmuv3AccelAttachGbpaHwpt(Errp.none());
  }

  /** The device at {@code devfn}, or null. */
  public SMMUv3AccelDevice device(int devfn) {
    return pbdev.get(devfn);
  }

  public GuestSmmu guest() {
    return s;
  }
}
