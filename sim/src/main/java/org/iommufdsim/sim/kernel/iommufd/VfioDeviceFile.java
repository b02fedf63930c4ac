package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.VfioCheck.*;

import static org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_ATTACH_IOMMUFD_PT;
import static org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_ATTACH_PASID;
import static org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_BIND_FLAG_TOKEN;
import static org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_BIND_IOMMUFD;
import static org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_DETACH_IOMMUFD_PT;
import static org.iommufdsim.sim.uapi.VfioUapi.VFIO_DEVICE_DETACH_PASID;
import static org.iommufdsim.sim.uapi.VfioUapi.vfio_device_attach_iommufd_pt;
import static org.iommufdsim.sim.uapi.VfioUapi.vfio_device_bind_iommufd;
import static org.iommufdsim.sim.uapi.VfioUapi.vfio_device_detach_iommufd_pt;

import java.util.TreeSet;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.util.KResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;

/**
 * An open VFIO device cdev, {@code /dev/vfio/devices/NAME} (mirrors drivers/vfio/device_cdev.c
 * and vfio/iommufd.c for a physical device): BIND_IOMMUFD binds it to an iommufd context,
 * ATTACH/DETACH_IOMMUFD_PT attach its RID or a PASID (attaching again is a replace), and closing
 * it detaches every PASID, then the RID, then unbinds.
 */
public final class VfioDeviceFile extends KFile {
  private static final CStruct BIND = vfio_device_bind_iommufd;
  private static final CStruct ATTACH = vfio_device_attach_iommufd_pt;
  private static final CStruct DETACH = vfio_device_detach_iommufd_pt;
  private static final int BIND_MIN = BIND.minSize();
  private static final int ATTACH_MIN = ATTACH.minSize();
  private static final int ATTACH_PASID_END = (int) ATTACH.memberEnd("pasid");
  private static final int DETACH_MIN = DETACH.minSize();
  private static final int DETACH_PASID_END = (int) DETACH.memberEnd("pasid");

  private final IommuDevice dev;
  private IommufdFile ictx;
  private Device idev;
  private boolean ridAttached;
  private final TreeSet<Integer> pasids = new TreeSet<>();

  public VfioDeviceFile(IommuDevice dev) {
    this.dev = dev;
  }

  @Override
  public String describe() {
    return "/dev/vfio/devices/" + dev.name();
  }

  @Override
  public SysResult ioctl(Task task, long request, long arg) {
    if (request == VFIO_DEVICE_BIND_IOMMUFD.request()) {
      return bind(task, arg);
    }
    Decider dc = task.kernel().decider();
    if (dc.refuse(VFIO_BOUND, idev == null)) {
      return SysResult.err(Errno.EINVAL, "the device fd is not bound to an iommufd yet");
    }
    if (request == VFIO_DEVICE_ATTACH_IOMMUFD_PT.request()) {
      return attach(task, arg);
    }
    if (request == VFIO_DEVICE_DETACH_IOMMUFD_PT.request()) {
      return detach(task, arg);
    }
    dc.refuse(VFIO_DEVICE_IOCTL, true, request);
    return SysResult.err(Errno.ENOTTY, "VFIO device ioctl 0x" + Long.toHexString(request)
        + " is not modelled");
  }

  /** copy_from_user of the first {@code n} bytes into a zeroed copy of the struct. */
  private static byte[] copyIn(Task task, long arg, CStruct s, int n) {
    byte[] in = task.mm().copyFrom(arg, n);
    if (task.kernel().decider().refuse(VFIO_COPY_IN, in == null)) {
      return null;
    }
    byte[] b = s.newBuffer();
    System.arraycopy(in, 0, b, 0, n);
    return b;
  }

  /**
   * copy_to_user of one u32 field: a fallible point, as the same copy in iommufd's
   * {@code iommufd_ucmd_respond} is.
   */
  private static boolean copyOut(Task task, long arg, CStruct s, String field, long value) {
    if (task.shouldFail("copy_to_user")) {
      return false;
    }
    byte[] b = new byte[4];
    s.field(field).set(b, -(int) s.offset(field), value);
    return !task.kernel().decider().refuse(VFIO_COPY_OUT,
        !task.mm().copyTo(arg + s.offset(field), b));
  }

  /** Mirrors device_cdev.c: vfio_df_ioctl_bind_iommufd. */
  private SysResult bind(Task task, long arg) {
    byte[] b = copyIn(task, arg, BIND, BIND_MIN);
    if (b == null) {
      return SysResult.err(Errno.EFAULT, "copy_from_user(bind)");
    }
    long argsz = BIND.field("argsz").get(b);
    long flags = BIND.field("flags").get(b);
    int fd = (int) BIND.field("iommufd").get(b);
    Decider dc = task.kernel().decider();
    if (dc.refuse(BIND_ARGSZ, argsz < BIND_MIN || fd < 0, argsz)) {
      return SysResult.err(Errno.EINVAL, "argsz below 16 or a negative iommufd");
    }
    if (dc.refuse(BIND_FLAGS, (flags & ~VFIO_DEVICE_BIND_FLAG_TOKEN) != 0, flags)) {
      return SysResult.err(Errno.EINVAL, "unknown bind flags");
    }
    if (dc.refuse(BIND_ONCE, idev != null || dev.boundFile() != null)) {
      return SysResult.err(Errno.EINVAL, "the device is already bound");
    }
    KFile f = task.file(fd);
    if (dc.refuse(BIND_FD, f == null, fd)) {
      return SysResult.err(Errno.EBADF, "iommufd " + fd + " is not an open fd");
    }
    if (dc.refuse(BIND_FD_TYPE, !(f instanceof IommufdFile)) || !(f instanceof IommufdFile ctx)) {
      return SysResult.err(Errno.EBADFD, "fd " + fd + " is not an iommufd");
    }
    KResult<Device> bound = DeviceCore.bind(ctx, task, dev, true);
    if (!bound.isOk()) {
      return SysResult.err(bound.errno(), bound.reason());
    }
    ctx.get();
    if (!copyOut(task, arg, BIND, "out_devid", bound.value().id())) {
      DeviceCore.unbind(ctx, bound.value());
      ctx.put();
      return SysResult.err(Errno.EFAULT, "copy_to_user(out_devid)");
    }
    ictx = ctx;
    idev = bound.value();
    dev.setBoundFile(this);
    return SysResult.ok();
  }

  /** Mirrors device_cdev.c: vfio_df_ioctl_attach_pt and vfio_iommufd_physical_*attach_ioas. */
  private SysResult attach(Task task, long arg) {
    byte[] b = copyIn(task, arg, ATTACH, ATTACH_MIN);
    if (b == null) {
      return SysResult.err(Errno.EFAULT, "copy_from_user(attach)");
    }
    long argsz = ATTACH.field("argsz").get(b);
    long flags = ATTACH.field("flags").get(b);
    int ptId = (int) ATTACH.field("pt_id").get(b);
    Decider dc = task.kernel().decider();
    if (dc.refuse(ATTACH_ARGSZ, argsz < ATTACH_MIN, argsz)) {
      return SysResult.err(Errno.EINVAL, "argsz below 12");
    }
    if (dc.refuse(ATTACH_FLAGS, (flags & ~VFIO_DEVICE_ATTACH_PASID) != 0, flags)) {
      return SysResult.err(Errno.EINVAL, "unknown attach flags");
    }
    boolean pasidFlag = (flags & VFIO_DEVICE_ATTACH_PASID) != 0;
    int pasid = DeviceCore.NO_PASID;
    if (pasidFlag) {
      if (dc.refuse(ATTACH_PASID_ARGSZ, argsz < ATTACH_PASID_END, argsz)) {
        return SysResult.err(Errno.EINVAL, "argsz below 16 with VFIO_DEVICE_ATTACH_PASID");
      }
      byte[] p = copyIn(task, arg, ATTACH, ATTACH_PASID_END);
      if (p == null) {
        return SysResult.err(Errno.EFAULT, "copy_from_user(pasid)");
      }
      pasid = (int) ATTACH.field("pasid").get(p);
    }
    boolean replace = pasidFlag ? pasids.contains(pasid) : ridAttached;
    KResult<Integer> r = replace ? DeviceCore.replace(ictx, task, idev, pasid, ptId)
        : DeviceCore.attach(ictx, task, idev, pasid, ptId);
    if (!r.isOk()) {
      return SysResult.err(r.errno(), r.reason());
    }
    if (pasidFlag) {
      pasids.add(pasid);
    } else {
      ridAttached = true;
    }
    if (!copyOut(task, arg, ATTACH, "pt_id", r.value())) {
      detachAt(pasidFlag, pasid);
      return SysResult.err(Errno.EFAULT, "copy_to_user(pt_id)");
    }
    return SysResult.ok();
  }

  private void detachAt(boolean pasidFlag, int pasid) {
    if (pasidFlag) {
      if (pasids.remove(pasid)) {
        DeviceCore.detach(ictx, idev, pasid);
      }
    } else if (ridAttached) {
      DeviceCore.detach(ictx, idev, DeviceCore.NO_PASID);
      ridAttached = false;
    }
  }

  /** Mirrors device_cdev.c: vfio_df_ioctl_detach_pt. */
  private SysResult detach(Task task, long arg) {
    byte[] b = copyIn(task, arg, DETACH, DETACH_MIN);
    if (b == null) {
      return SysResult.err(Errno.EFAULT, "copy_from_user(detach)");
    }
    long argsz = DETACH.field("argsz").get(b);
    long flags = DETACH.field("flags").get(b);
    Decider dc = task.kernel().decider();
    if (dc.refuse(DETACH_ARGSZ, argsz < DETACH_MIN, argsz)) {
      return SysResult.err(Errno.EINVAL, "argsz below 8");
    }
    if (dc.refuse(DETACH_FLAGS, (flags & ~VFIO_DEVICE_DETACH_PASID) != 0, flags)) {
      return SysResult.err(Errno.EINVAL, "unknown detach flags");
    }
    boolean pasidFlag = (flags & VFIO_DEVICE_DETACH_PASID) != 0;
    int pasid = DeviceCore.NO_PASID;
    if (pasidFlag) {
      if (dc.refuse(DETACH_PASID_ARGSZ, argsz < DETACH_PASID_END, argsz)) {
        return SysResult.err(Errno.EINVAL, "argsz below 12 with VFIO_DEVICE_DETACH_PASID");
      }
      byte[] p = copyIn(task, arg, DETACH, DETACH_PASID_END);
      if (p == null) {
        return SysResult.err(Errno.EFAULT, "copy_from_user(pasid)");
      }
      pasid = (int) DETACH.field("pasid").get(p);
    }
    detachAt(pasidFlag, pasid);
    return SysResult.ok();
  }

  /** Closing the device fd: every PASID, then the RID, then unbind (vfio_df_iommufd_unbind). */
  @Override
  protected void release() {
    if (idev == null) {
      return;
    }
    for (int pasid : java.util.List.copyOf(pasids)) {
      detachAt(true, pasid);
    }
    detachAt(false, DeviceCore.NO_PASID);
    DeviceCore.unbind(ictx, idev);
    dev.setBoundFile(null);
    IommufdFile ctx = ictx;
    idev = null;
    ictx = null;
    ctx.put();
  }
}
