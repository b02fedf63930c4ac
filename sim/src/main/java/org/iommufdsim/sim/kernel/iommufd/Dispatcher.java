package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.uapi.IommufdUapi.*;
import static org.iommufdsim.sim.kernel.decide.SysCheck.*;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_TEST_CMD;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IoctlDef;

/**
 * The iommufd ioctl dispatcher (mirrors main.c: iommufd_fops_ioctl and iommufd_ioctl_ops).
 * One table, ordered like the kernel's, carries each ioctl's number, struct (size and
 * min_size) and handler; the size rules live only here and run before any handler.
 */
final class Dispatcher {
  /** A handler gets the command already copied and zero-extended. */
  @FunctionalInterface
  interface Handler {
    SysResult handle(Ucmd ucmd);
  }

  record Op(IoctlDef def, Handler handler) {}

  /** Indexed by nr - IOMMUFD_CMD_BASE; null entries are holes (ENOTTY). */
  private static final Op[] OPS = new Op[0xa0 - 0x80 + 1];

  static {
    op(IOMMU_DESTROY, MainIoctls::destroy);
    op(IOMMU_IOAS_ALLOC, IoasIoctls::alloc);
    op(IOMMU_IOAS_ALLOW_IOVAS, IoasIoctls::allowIovas);
    op(IOMMU_IOAS_COPY, IoasIoctls::copy);
    op(IOMMU_IOAS_IOVA_RANGES, IoasIoctls::iovaRanges);
    op(IOMMU_IOAS_MAP, IoasIoctls::map);
    op(IOMMU_IOAS_UNMAP, IoasIoctls::unmap);
    op(IOMMU_OPTION, MainIoctls::option);
    op(IOMMU_VFIO_IOAS, MainIoctls::vfioIoas);
    op(IOMMU_HWPT_ALLOC, HwptIoctls::alloc);
    op(IOMMU_GET_HW_INFO, HwptIoctls::hwInfo);
    op(IOMMU_HWPT_SET_DIRTY_TRACKING, Dirty::setTracking);
    op(IOMMU_HWPT_GET_DIRTY_BITMAP, Dirty::getBitmap);
    op(IOMMU_HWPT_INVALIDATE, HwptIoctls::invalidate);
    op(IOMMU_FAULT_QUEUE_ALLOC, Faults::alloc);
    op(IOMMU_IOAS_MAP_FILE, IoasIoctls::mapFile);
    op(IOMMU_VIOMMU_ALLOC, ViommuIoctls::alloc);
    op(IOMMU_VDEVICE_ALLOC, ViommuIoctls::vdeviceAlloc);
    op(IOMMU_IOAS_CHANGE_PROCESS, IoasIoctls::changeProcess);
    op(IOMMU_VEVENTQ_ALLOC, ViommuIoctls::veventqAlloc);
    op(IOMMU_HW_QUEUE_ALLOC, ViommuIoctls::hwQueueAlloc);
    op(IOMMU_TEST_CMD, TestIoctls::test);
  }

  private static void op(IoctlDef def, Handler h) {
    OPS[def.nr() - 0x80] = new Op(def, h);
  }

  private Dispatcher() {}

  /** The op for a request number, if it is one of ours exactly. */
  static Op opFor(long request) {
    int nr = (int) (request & 0xff);
    if (nr < 0x80 || nr - 0x80 >= OPS.length) {
      return null;
    }
    Op op = OPS[nr - 0x80];
    return op != null && op.def().request() == request ? op : null;
  }

  static SysResult dispatch(IommufdFile ictx, Task task, long request, long arg) {
    int nr = (int) (request & 0xff);
    if (nr < 0x80 || nr - 0x80 >= OPS.length) {
      return VfioCompat.ioctl(ictx, task, request, arg);
    }
    Decider d = task.kernel().decider();
    byte[] sizeWord = task.mm().copyFrom(arg, 4);
    if (d.refuse(DISPATCH_SIZE_READABLE, sizeWord == null)) {
      return SysResult.err(Errno.EFAULT, "get_user(size): argument is not readable user memory");
    }
    long userSize = (sizeWord[0] & 0xffL) | (sizeWord[1] & 0xffL) << 8
        | (sizeWord[2] & 0xffL) << 16 | (sizeWord[3] & 0xffL) << 24;
    Op op = OPS[nr - 0x80];
    if (d.refuse(DISPATCH_KNOWN_IOCTL, op == null || op.def().request() != request)) {
      return SysResult.err(Errno.ENOTTY, "no iommufd ioctl with request 0x"
          + Long.toHexString(request));
    }
    int min = op.def().struct().minSize();
    int ksize = op.def().struct().size();
    if (d.refuse(DISPATCH_MIN_SIZE, userSize < min, userSize)) {
      return SysResult.err(Errno.EINVAL, "size " + userSize + " is below the minimum " + min);
    }
    byte[] cmd = new byte[ksize];
    if (userSize > ksize) {
      int zeroed = task.mm().checkZeroed(arg + ksize, userSize - ksize);
      if (d.refuse(DISPATCH_TAIL_READABLE, zeroed < 0)) {
        return SysResult.err(Errno.EFAULT, "copy_struct_from_user: the tail is not readable");
      }
      if (d.refuse(DISPATCH_TAIL_ZERO, zeroed == 0, userSize)) {
        return SysResult.err(Errno.E2BIG, "size " + userSize + " is larger than the kernel's "
            + ksize + " and the bytes past it are not zero");
      }
    }
    byte[] head = task.mm().copyFrom(arg, Math.min(userSize, ksize));
    if (d.refuse(DISPATCH_STRUCT_READABLE, head == null)) {
      return SysResult.err(Errno.EFAULT, "copy_struct_from_user: struct is not readable");
    }
    System.arraycopy(head, 0, cmd, 0, head.length);
    Ucmd ucmd = new Ucmd(ictx, task, arg, (int) Math.min(userSize, Integer.MAX_VALUE),
        op.def().struct(), cmd);
    return op.handler().handle(ucmd);
  }
}
