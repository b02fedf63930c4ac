package org.iommufdsim.backend.intel;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_ALLOC_PASID;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_DATA_VTD_S1;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_FAULT_ID_VALID;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_HWPT_INVALIDATE_DATA_VTD_S1;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_FLAGS_LAST_PAGE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_EXEC;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_PRIV;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_READ;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_PGFAULT_PERM_WRITE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VTD_INV_FLAGS_LEAF;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VTD_S1_EAFE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VTD_S1_SRE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VTD_S1_WPE;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD;
import org.iommufdsim.backend.os.Frame;
import org.iommufdsim.backend.os.Libc;
import org.iommufdsim.backend.os.UStruct;
import org.iommufdsim.backend.qemu.Errp;
import org.iommufdsim.backend.qemu.IntRef;
import org.iommufdsim.backend.qemu.Qemu;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.iommufdsim.sim.uapi.LinuxUapi;

/**
 * Port of {@code hw/i386/intel_iommu_accel.c} (VT-d accelerated mode, {@code fsts=on}, with the
 * PRQ series patches 1–4 applied, as stored in {@code qemu/qemu} 554a719e): first-stage HWPTs
 * nested on the device's nesting-parent HWPT, per-PASID attach/detach, PIOTLB invalidation
 * forwarding, the PASID-cache sync, and the PRQ fault queue (read handler, page-group
 * responses). One instance is the accel half of an {@code IntelIOMMUState}; the guest half is
 * {@link GuestVtd}. {@code qemu_set_fd_handler} is {@link #fdHandlers}, dispatched by
 * {@link #mainLoopDispatch()} (QEMU's main loop).
 */
public final class IntelIommuAccel {
  /** {@code FAULTQ_BUF_SIZE}: batch size per {@code read()}. */
  public static final int FAULTQ_BUF_SIZE = 100;
  /** {@code F_GETFL}, {@code F_SETFL}, {@code O_NONBLOCK} (x86-64). */
  public static final int F_GETFL = 3;
  public static final int F_SETFL = 4;
  public static final int O_NONBLOCK = 04000;
  /** Port of {@code VTD_INV_DESC_PASIDC_G_*}: PASID-cache invalidation granularities. */
  public enum PasidCacheInvType { DSI, PASID_SI, GLOBAL }

  private final Qemu qemu;
  private final Libc libc;
  private final GuestVtd s;
  private final VtdTrace trace;
  /** {@code s->vtd_host_iommu_dev}, in insertion order. */
  private final List<VTDHostIOMMUDevice> vtdHostIommuDev = new ArrayList<>();
  /** {@code qemu_set_fd_handler} registrations: fd → read handler. */
  private final Map<Integer, Runnable> fdHandlers = new LinkedHashMap<>();
  /** {@code error_report_once} call sites that already reported. */
  private final Set<String> reportedOnce = new HashSet<>();

  public IntelIommuAccel(Qemu qemu, GuestVtd s) {
    this.qemu = qemu;
    this.libc = qemu.libc();
    this.s = s;
    this.trace = new VtdTrace(qemu.trace());
  }

  /** Adds a host device ({@code vtd_dev_set_iommu_device}, accel part) — no syscalls. */
  public VTDHostIOMMUDevice addHostIommuDevice(int devfn, VtdHostIOMMUDeviceIOMMUFDVFIO hiod) {
    VTDHostIOMMUDevice d = new VTDHostIOMMUDevice(devfn, hiod);
    vtdHostIommuDev.add(d);
    return d;
  }

  public List<VTDHostIOMMUDevice> hostIommuDevices() {
    return vtdHostIommuDev;
  }

  /** The registered fd read handlers (fd numbers), in registration order. */
  public Set<Integer> fdHandlers() {
    return fdHandlers.keySet();
  }

  /**
   * One main-loop iteration: {@code poll} every registered fd for {@code POLLIN} and run the
   * read handler of each readable one. Returns how many handlers ran.
   */
  public int mainLoopDispatch() {
    int ran = 0;
    for (Map.Entry<Integer, Runnable> e : List.copyOf(fdHandlers.entrySet())) {
      SysResult r = libc.syscalls().poll(e.getKey(), (int) LinuxUapi.POLLIN);
      if (r.isOk() && (r.value() & LinuxUapi.POLLIN) != 0 && fdHandlers.containsKey(e.getKey())) {
        e.getValue().run();
        ran++;
      }
    }
    return ran;
  }

  private void errorReportOnce(String site, String message) {
    if (reportedOnce.add(site)) {
      qemu.stderr().errorReport(message);
    }
  }

  private int fcntl(int fd, int cmd, long arg) {
    SysResult r = libc.syscalls().fcntl(fd, cmd, arg);
    if (r.isOk()) {
      return (int) r.value();
    }
    libc.setErrno(r.errno().number());
    return -1;
  }

  private static HostIOMMUDeviceIOMMUFD hiodi(VTDHostIOMMUDevice vtdHiod) {
    return vtdHiod.hiod;
  }

  /**
   * The vIOMMU as VFIO sees it: port of {@code vtd_get_viommu_flags} (fsts=on:
   * {@code VIOMMU_FLAG_WANT_NESTING_PARENT}) and {@code vtd_get_host_iommu_quirks} (the
   * {@code IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17} flag → bypass-RO quirk).
   */
  public org.iommufdsim.backend.vfio.VFIODevice.Viommu viommu() {
    return new org.iommufdsim.backend.vfio.VFIODevice.Viommu() {
      @Override
      public long getViommuFlags() {
        return org.iommufdsim.backend.vfio.VFIODevice.VIOMMU_FLAG_WANT_NESTING_PARENT;
      }

      @Override
      public boolean hostIommuQuirkBypassRo(int type, long caps, int size) {
        return type == IommufdUapi.IOMMU_HW_INFO_TYPE_INTEL_VTD
            && IommufdUapi.iommu_hw_info_vtd.size() <= size
            && (UStruct.at(libc.memory(), IommufdUapi.iommu_hw_info_vtd, caps).get("flags")
                & IommufdUapi.IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17) != 0;
      }
    };
  }

  // ---- PRQ ----

  /** Port of {@code vtd_prq_response_notify(vtd_pce, response)}. */
  private void vtdPrqResponseNotify(VTDAccelPASIDCacheEntry vtdPce,
      GuestVtd.PageGroupResponse response) {
    int id = vtdPce.faultId;
    int fd = vtdPce.faultFd;
    for (VTDAccelPASIDCacheEntry.VTDPRQEntry prqe : List.copyOf(vtdPce.vtdPrqList)) {
      if (prqe.grpid() != response.prgi()) {
        continue;
      }
      try (Frame f = libc.frame()) {
        UStruct resp = f.local(IommufdUapi.iommu_hwpt_page_response);
        resp.set("cookie", prqe.cookie() & 0xffffffffL);
        resp.set("code", response.responseCode() & 0xffffffffL);
        long bytes = libc.write(fd, resp.addr(), resp.size());
        trace.traceVtdPrqResponseNotify(id, fd, prqe.cookie(), response.responseCode(),
            (int) bytes);
        if (bytes < 0) {
          errorReportOnce("vtd_prq_response_notify", String.format(
              "FAULTQ(id %d): write failed [cookie 0x%x code 0x%x] (%s)",
              Integer.toUnsignedLong(id), prqe.cookie(), response.responseCode(),
              org.iommufdsim.backend.os.Strerror.strerror(libc.errno())));
        }
      }
      vtdPce.vtdPrqList.remove(prqe);
    }
  }

  /**
   * Port of {@code vtd_accel_propagate_page_group_response(s, rid, pasid, response)}: false if
   * the requester is no iommufd-backed device or has no cached entry for {@code pasid}. The RID
   * is bus 0, devfn = {@code rid & 0xff}.
   */
  public boolean vtdAccelPropagatePageGroupResponse(int rid, int pasid,
      GuestVtd.PageGroupResponse response) {
    VTDHostIOMMUDevice vtdHiod = null;
    for (VTDHostIOMMUDevice d : vtdHostIommuDev) {
      if (d.devfn == (rid & 0xffff)) {
        vtdHiod = d;
      }
    }
    if (vtdHiod == null) {
      return false;
    }
    for (VTDAccelPASIDCacheEntry vtdPce : vtdHiod.pasidCacheList) {
      if (vtdPce.pasid == pasid) {
        vtdPrqResponseNotify(vtdPce, response);
        return true;
      }
    }
    return false;
  }

  /** Port of {@code vtd_prq_report_fault(vtd_pce, fault, cnt)}. */
  private void vtdPrqReportFault(VTDAccelPASIDCacheEntry vtdPce, long fault, int cnt) {
    VTDHostIOMMUDevice vtdHiod = vtdPce.vtdHiod;
    int sz = IommufdUapi.iommu_hwpt_pgfault.size();
    for (int i = 0; i < cnt; i++) {
      UStruct f = UStruct.at(libc.memory(), IommufdUapi.iommu_hwpt_pgfault, fault + (long) i * sz);
      boolean lastPage = (f.get("flags") & IOMMU_PGFAULT_FLAGS_LAST_PAGE) != 0;
      long perm = f.get("perm");
      s.priRequestPage(new GuestVtd.PageRequest(vtdHiod.devfn, vtdPce.pasid,
          (perm & IOMMU_PGFAULT_PERM_PRIV) != 0, (perm & IOMMU_PGFAULT_PERM_EXEC) != 0,
          f.get("addr"), lastPage, f.u32("grpid"), (perm & IOMMU_PGFAULT_PERM_READ) != 0,
          (perm & IOMMU_PGFAULT_PERM_WRITE) != 0));
      if (lastPage) {
        vtdPce.vtdPrqList.add(0, new VTDAccelPASIDCacheEntry.VTDPRQEntry(f.u32("grpid"),
            f.u32("cookie")));
      }
    }
  }

  /** Port of {@code vtd_prq_read_fault(opaque)}: the fault fd's read handler. */
  void vtdPrqReadFault(VTDAccelPASIDCacheEntry vtdPce) {
    int id = vtdPce.faultId;
    int fd = vtdPce.faultFd;
    int recSize = IommufdUapi.iommu_hwpt_pgfault.size();
    long size = (long) recSize * FAULTQ_BUF_SIZE;
    try (Frame f = libc.frame()) {
      long fault = f.alloca(size);
      long bytes = libc.read(fd, fault, size);
      trace.traceVtdPrqReadFault(id, fd, (int) bytes);
      if (bytes < 0) {
        int errno = libc.errno();
        if (errno != org.iommufdsim.sim.uapi.Errno.EAGAIN.number()
            && errno != org.iommufdsim.sim.uapi.Errno.EINTR.number()) {
          errorReportOnce("vtd_prq_read_fault/read", String.format(
              "FAULTQ(id %d): read failed (%s)", Integer.toUnsignedLong(id),
              org.iommufdsim.backend.os.Strerror.strerror(errno)));
        }
        return;
      } else if (bytes == 0) {
        errorReportOnce("vtd_prq_read_fault/0", String.format(
            "FAULTQ(id %d): fault group too big", Integer.toUnsignedLong(id)));
        return;
      }
      long lastBytes = bytes % recSize;
      if (lastBytes != 0) {
        errorReportOnce("vtd_prq_read_fault/partial", String.format(
            "FAULTQ(id %d): discard partial fault data: %d/%d", Integer.toUnsignedLong(id),
            lastBytes, size));
      }
      vtdPrqReportFault(vtdPce, fault, (int) (bytes / recSize));
    }
  }

  /** Port of {@code vtd_destroy_fs_faultq(vtd_hiod, fault_id, fault_fd)}. */
  private void vtdDestroyFsFaultq(VTDHostIOMMUDevice vtdHiod, int faultId, int faultFd) {
    if (faultFd < 0) {
      return;
    }
    libc.close(faultFd);
    hiodi(vtdHiod).iommufd().iommufdBackendFreeId(faultId);
  }

  /**
   * Port of {@code vtd_create_fs_faultq(vtd_hiod, fault_id_p, fault_fd_p, errp)}: a fault queue
   * only if the vIOMMU has SVM and the guest context entry has PRE; made non-blocking.
   */
  private boolean vtdCreateFsFaultq(VTDHostIOMMUDevice vtdHiod, IntRef faultIdP,
      IntRef faultFdP, Errp errp) {
    if (!s.svm || !s.contextPre) {
      faultIdP.value = 0;
      faultFdP.value = -1;
      return true;
    }
    IntRef faultId = new IntRef();
    IntRef faultFd = new IntRef();
    if (!hiodi(vtdHiod).iommufd().iommufdBackendAllocFaultq(faultId, faultFd, errp)) {
      return false;
    }
    int flags = fcntl(faultFd.value, F_GETFL, 0);
    if (flags < 0) {
      errp.setgErrno(libc.errno(), "Failed to get flags for FAULTQ fd");
      vtdDestroyFsFaultq(vtdHiod, faultId.value, faultFd.value);
      return false;
    }
    if (fcntl(faultFd.value, F_SETFL, flags | O_NONBLOCK) < 0) {
      errp.setgErrno(libc.errno(), "Failed to set O_NONBLOCK on FAULTQ fd");
      vtdDestroyFsFaultq(vtdHiod, faultId.value, faultFd.value);
      return false;
    }
    faultIdP.value = faultId.value;
    faultFdP.value = faultFd.value;
    return true;
  }

  /** Port of {@code vtd_destroy_old_fs_faultq(vtd_pce)}. */
  private void vtdDestroyOldFsFaultq(VTDAccelPASIDCacheEntry vtdPce) {
    if (vtdPce.faultFd < 0) {
      return;
    }
    fdHandlers.remove(vtdPce.faultFd);
    vtdDestroyFsFaultq(vtdPce.vtdHiod, vtdPce.faultId, vtdPce.faultFd);
    vtdPce.faultId = 0;
    vtdPce.faultFd = -1;
  }

  /** Port of {@code vtd_setup_fs_faultq(vtd_pce, fault_id, fault_fd)}. */
  private void vtdSetupFsFaultq(VTDAccelPASIDCacheEntry vtdPce, int faultId, int faultFd) {
    if (faultFd < 0) {
      return;
    }
    vtdPce.faultId = faultId;
    vtdPce.faultFd = faultFd;
    fdHandlers.put(faultFd, () -> vtdPrqReadFault(vtdPce));
  }

  // ---- HWPTs, attach, detach ----

  /**
   * Port of {@code vtd_create_fs_hwpt(vtd_hiod, pe, has_fault_id, fault_id, fs_hwpt_id, errp)}:
   * a {@code IOMMU_HWPT_DATA_VTD_S1} HWPT on the nesting parent ({@code hiodi->hwpt_id}).
   */
  private boolean vtdCreateFsHwpt(VTDHostIOMMUDevice vtdHiod, GuestVtd.PasidEntry pe,
      boolean hasFaultId, int faultId, IntRef fsHwptId, Errp errp) {
    HostIOMMUDeviceIOMMUFD hiodi = hiodi(vtdHiod);
    int flags = s.pasidBits != 0 ? (int) IOMMU_HWPT_ALLOC_PASID : 0;
    flags |= hasFaultId ? (int) IOMMU_HWPT_FAULT_ID_VALID : 0;
    try (Frame f = libc.frame()) {
      UStruct vtd = f.local(IommufdUapi.iommu_hwpt_vtd_s1);
      vtd.set("flags", (pe.sre() ? IOMMU_VTD_S1_SRE : 0) | (pe.wpe() ? IOMMU_VTD_S1_WPE : 0)
          | (pe.eafe() ? IOMMU_VTD_S1_EAFE : 0));
      vtd.set("addr_width", pe.addrWidth());
      vtd.set("pgtbl_addr", pe.fsptptr());
      return hiodi.iommufd().iommufdBackendAllocHwpt(hiodi.devid(), hiodi.hwptId(), flags,
          (int) IOMMU_HWPT_DATA_VTD_S1, vtd.size(), vtd.addr(), faultId, fsHwptId, errp);
    }
  }

  /** Port of {@code vtd_destroy_old_fs_hwpt(vtd_pce)}. */
  private void vtdDestroyOldFsHwpt(VTDAccelPASIDCacheEntry vtdPce) {
    if (vtdPce.fsHwptId == 0) {
      return;
    }
    hiodi(vtdPce.vtdHiod).iommufd().iommufdBackendFreeId(vtdPce.fsHwptId);
    vtdPce.fsHwptId = 0;
  }

  private static boolean isFst(GuestVtd.PasidEntry pe) {
    return pe.pgtt() == GuestVtd.VTD_SM_PASID_ENTRY_FST;
  }

  /**
   * Port of {@code vtd_device_attach_iommufd(vtd_pce, errp)}: FST → new fault queue (maybe) and
   * first-stage HWPT, PT → the nesting parent; attach (replace) the PASID; on success free the
   * old HWPT then the old fault queue, on failure the new ones.
   */
  public boolean vtdDeviceAttachIommufd(VTDAccelPASIDCacheEntry vtdPce, Errp errp) {
    VTDHostIOMMUDevice vtdHiod = vtdPce.vtdHiod;
    HostIOMMUDeviceIOMMUFD hiodi = hiodi(vtdHiod);
    GuestVtd.PasidEntry pe = vtdPce.pasidEntry;
    IntRef hwptId = new IntRef();
    hwptId.value = hiodi.hwptId();
    int pasid = vtdPce.pasid;
    IntRef faultId = new IntRef();
    IntRef faultFd = new IntRef();
    if (pe.pgtt() != GuestVtd.VTD_SM_PASID_ENTRY_FST
        && pe.pgtt() != GuestVtd.VTD_SM_PASID_ENTRY_PT) {
      errp.setg("Invalid PGTT type " + (pe.pgtt() & 0xff));
      return false;
    }
    if (isFst(pe)) {
      if (!vtdCreateFsFaultq(vtdHiod, faultId, faultFd, errp)) {
        return false;
      }
      if (!vtdCreateFsHwpt(vtdHiod, pe, faultFd.value >= 0, faultId.value, hwptId, errp)) {
        vtdDestroyFsFaultq(vtdHiod, faultId.value, faultFd.value);
        return false;
      }
    }
    boolean ret = hiodi.hostIommuDeviceIommufdAttachHwpt(pasid, hwptId.value, errp);
    trace.traceVtdDeviceAttachHwpt(hiodi.devid(), pasid, hwptId.value, ret ? 1 : 0);
    if (ret) {
      vtdDestroyOldFsHwpt(vtdPce);
      vtdDestroyOldFsFaultq(vtdPce);
      if (isFst(pe)) {
        vtdPce.fsHwptId = hwptId.value;
        vtdSetupFsFaultq(vtdPce, faultId.value, faultFd.value);
      }
    } else if (isFst(pe)) {
      hiodi.iommufd().iommufdBackendFreeId(hwptId.value);
      vtdDestroyFsFaultq(vtdHiod, faultId.value, faultFd.value);
    }
    return ret;
  }

  /**
   * Port of {@code vtd_device_detach_iommufd(vtd_pce, errp)}: detach the PASID (or, for PASID 0
   * with DMA remapping off or legacy mode, re-attach the default stage-2 HWPT), then free the
   * first-stage HWPT and the fault queue.
   */
  public boolean vtdDeviceDetachIommufd(VTDAccelPASIDCacheEntry vtdPce, Errp errp) {
    HostIOMMUDeviceIOMMUFD hiodi = hiodi(vtdPce.vtdHiod);
    int pasid = vtdPce.pasid;
    boolean ret;
    if (pasid != HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID || (s.dmarEnabled && s.rootScalable)) {
      ret = hiodi.hostIommuDeviceIommufdDetachHwpt(pasid, errp);
      trace.traceVtdDeviceDetachHwpt(hiodi.devid(), pasid, ret ? 1 : 0);
    } else {
      ret = hiodi.hostIommuDeviceIommufdAttachHwpt(HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID,
          hiodi.hwptId(), errp);
      trace.traceVtdDeviceReattachDefHwpt(hiodi.devid(), HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID,
          hiodi.hwptId(), ret ? 1 : 0);
    }
    if (ret) {
      vtdDestroyOldFsHwpt(vtdPce);
      vtdDestroyOldFsFaultq(vtdPce);
    }
    return ret;
  }

  /**
   * Port of {@code vtd_flush_host_piotlb_all_locked(s, domain_id, pasid, addr, npages, ih)}
   * with {@code vtd_flush_host_piotlb_locked}: one {@code IOMMU_HWPT_INVALIDATE_DATA_VTD_S1}
   * entry per cached FST entry matching DID and PASID; errors only reported.
   */
  public void vtdFlushHostPiotlbAllLocked(int domainId, int pasid, long addr, long npages,
      boolean ih) {
    try (Frame f = libc.frame()) {
      UStruct cacheInfo = f.local(IommufdUapi.iommu_hwpt_vtd_s1_invalidate);
      cacheInfo.set("addr", addr);
      cacheInfo.set("npages", npages);
      cacheInfo.set("flags", ih ? IOMMU_VTD_INV_FLAGS_LEAF : 0);
      for (VTDHostIOMMUDevice vtdHiod : vtdHostIommuDev) {
        for (VTDAccelPASIDCacheEntry vtdPce : vtdHiod.pasidCacheList) {
          GuestVtd.PasidEntry pe = vtdPce.pasidEntry;
          if (!isFst(pe)) {
            continue;
          }
          if (domainId == pe.did() && pasid == vtdPce.pasid) {
            IntRef entryNum = new IntRef();
            entryNum.value = 1;
            Errp localErr = Errp.local();
            if (!hiodi(vtdHiod).iommufd().iommufdBackendInvalidateCache(vtdPce.fsHwptId,
                (int) IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, cacheInfo.size(), entryNum,
                cacheInfo.addr(), localErr)) {
              qemu.stderr().errorReportErr(localErr);
            }
          }
        }
      }
    }
  }

  // ---- PASID cache ----

  /** Port of {@code vtd_accel_fill_pc(vtd_hiod, pasid, pe)}. */
  private void vtdAccelFillPc(VTDHostIOMMUDevice vtdHiod, int pasid, GuestVtd.PasidEntry pe) {
    for (VTDAccelPASIDCacheEntry vtdPce : vtdHiod.pasidCacheList) {
      if (vtdPce.pasid == pasid) {
        if (!pe.equals(vtdPce.pasidEntry)) {
          vtdPce.pasidEntry = pe;
          Errp localErr = Errp.local();
          if (!vtdDeviceAttachIommufd(vtdPce, localErr)) {
            localErr.prepend("Replacing HWPT attachment failed: ");
            qemu.stderr().errorReportErr(localErr);
          }
        }
        return;
      }
    }
    VTDAccelPASIDCacheEntry vtdPce = new VTDAccelPASIDCacheEntry(vtdHiod, pasid, pe);
    vtdHiod.pasidCacheList.add(0, vtdPce);
    Errp localErr = Errp.local();
    if (!vtdDeviceAttachIommufd(vtdPce, localErr)) {
      localErr.prepend("Attaching to HWPT failed: ");
      qemu.stderr().errorReportErr(localErr);
    }
  }

  /** Port of {@code vtd_accel_delete_pc(vtd_pce, pc_info)}; returns whether it was PASID_SI. */
  private boolean vtdAccelDeletePc(VTDAccelPASIDCacheEntry vtdPce, PasidCacheInvType type) {
    Errp localErr = Errp.local();
    if (!vtdDeviceDetachIommufd(vtdPce, localErr)) {
      localErr.prepend("Detaching from HWPT failed: ");
      qemu.stderr().errorReportErr(localErr);
    }
    vtdPce.vtdHiod.pasidCacheList.remove(vtdPce);
    return type == PasidCacheInvType.PASID_SI;
  }

  /** Port of {@code vtd_accel_pasid_cache_invalidate(vtd_hiod, pc_info)} (with {@code _one}). */
  private boolean vtdAccelPasidCacheInvalidate(VTDHostIOMMUDevice vtdHiod, PasidCacheInvType type,
      int did, int pasid) {
    boolean deleted = false;
    for (VTDAccelPASIDCacheEntry vtdPce : List.copyOf(vtdHiod.pasidCacheList)) {
      if (type == PasidCacheInvType.PASID_SI && pasid != vtdPce.pasid) {
        continue;
      }
      if (type != PasidCacheInvType.GLOBAL && did != vtdPce.pasidEntry.did()) {
        continue;
      }
      if (!s.pasidTable().containsKey(vtdPce.pasid)) {
        deleted |= vtdAccelDeletePc(vtdPce, type);
      }
    }
    return deleted;
  }

  /**
   * Port of {@code vtd_accel_pasid_cache_sync(s, pc_info)}: removals first, then (unless a
   * PASID-selective invalidation just deleted the entry) the replay of the guest PASID table
   * for PASIDs below {@code 1 << s->pasid} and the device's own width.
   */
  public void vtdAccelPasidCacheSync(PasidCacheInvType type, int did, int pasid) {
    int start = HostIOMMUDeviceIOMMUFD.IOMMU_NO_PASID;
    long end = 1L << s.pasidBits;
    if (type == PasidCacheInvType.PASID_SI) {
      start = pasid;
      end = (long) pasid + 1;
    }
    for (VTDHostIOMMUDevice vtdHiod : vtdHostIommuDev) {
      if (vtdAccelPasidCacheInvalidate(vtdHiod, type, did, pasid)) {
        continue;
      }
      long devMax = 1L << vtdHiod.hiod.caps().maxPasidLog2;
      long e = Math.min(end, devMax);
      for (Map.Entry<Integer, GuestVtd.PasidEntry> en : s.pasidTable().entrySet()) {
        int p = en.getKey();
        if (p < start || p >= e) {
          continue;
        }
        if (type != PasidCacheInvType.GLOBAL && did != en.getValue().did()) {
          continue;
        }
        vtdAccelFillPc(vtdHiod, p, en.getValue());
      }
    }
  }

  /** Port of {@code vtd_accel_pasid_cache_reset(s)}: a fake global invalidation. */
  public void vtdAccelPasidCacheReset() {
    for (VTDHostIOMMUDevice vtdHiod : vtdHostIommuDev) {
      for (VTDAccelPASIDCacheEntry vtdPce : List.copyOf(vtdHiod.pasidCacheList)) {
        vtdAccelDeletePc(vtdPce, PasidCacheInvType.GLOBAL);
      }
    }
  }
}
