package org.iommufdsim.sim.kernel.iommufd;

import java.util.List;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.decide.Event;
import org.iommufdsim.sim.kernel.decide.SysCheck;
import org.iommufdsim.sim.uapi.Errno;

/**
 * Object creation and destruction (mirrors main.c: iommufd_object_alloc / _finalize / _abort /
 * _remove and iommufd_fops_release). Creation is two-phase: an ID is reserved holding a zero
 * entry, the object is built, then published or aborted, so a failed ioctl leaves no trace.
 */
public final class Lifecycle {
  private Lifecycle() {}

  /**
   * _iommufd_object_alloc: the allocation and the ID reservation, both fallible. Returns null
   * and sets {@code err[0]} on failure.
   */
  static <T extends IommufdObject> T alloc(IommufdFile ictx, Task task, T obj, String what,
      Errno[] err) {
    if (task.shouldFail("kzalloc", what)) {
      err[0] = Errno.ENOMEM;
      return null;
    }
    if (task.shouldFail("xa_alloc", what)) {
      err[0] = Errno.ENOMEM;
      return null;
    }
    int id = ictx.objects().reserve();
    if (task.kernel().decider().refuse(SysCheck.OBJECT_ID_SPACE, id < 0)) {
      err[0] = Errno.EBUSY;
      return null;
    }
    obj.setId(id);
    return obj;
  }

  /** iommufd_object_finalize. */
  static void finalize(IommufdFile ictx, IommufdObject obj) {
    ictx.objects().publish(obj);
  }

  /** iommufd_object_abort_and_destroy: tears the object down and frees its ID. */
  static void abortAndDestroy(IommufdFile ictx, IommufdObject obj) {
    destroyBody(ictx, obj);
    ictx.objects().release(obj.id());
  }

  /**
   * iommufd_object_remove for IOMMU_DESTROY: ENOENT for an empty or zero slot, EBUSY unless the
   * table's reference is the only one; otherwise the object is removed and destroyed.
   */
  static Errno removeByUser(IommufdFile ictx, int id) {
    IommufdObject obj = ictx.objects().get(id, ObjType.ANY);
    Decider d = ictx.kernel().decider();
    if (d.refuse(SysCheck.DESTROY_LOOKUP, obj == null)) {
      return Errno.ENOENT;
    }
    if (d.refuse(SysCheck.DESTROY_BUSY, obj.users != 1, obj.users)) {
      return Errno.EBUSY;
    }
    obj.users = 0;
    ictx.objects().release(id);
    if (ictx.vfioIoas() == obj) {
      ictx.setVfioIoas(null);
    }
    destroyBody(ictx, obj);
    return null;
  }

  /** The type's destroy routine: drops every reference the object held. */
  static void destroyBody(IommufdFile ictx, IommufdObject obj) {
    switch (obj) {
      case Ioas ioas -> {
        long[] unmapped = new long[1];
        ioas.iopt().unmapAll((iova, length) -> { }, unmapped);
      }
      case HwPagetable hwpt -> Hwpts.destroy(hwpt);
      case Device idev -> DeviceCore.destroyDevice(ictx, idev);
      case Fault fault -> Faults.destroy(fault);
      case Selftest st -> TestIoctls.destroySelftest(ictx, st);
      case Viommu v -> ViommuIoctls.destroyViommu(ictx, v);
      case Vdevice vd -> ViommuIoctls.destroyVdevice(vd);
      case Veventq q -> ViommuIoctls.destroyVeventq(q);
      case HwQueue q -> ViommuIoctls.destroyHwQueue(ictx, q);
      case Access a -> { }
    }
  }

  /**
   * iommufd_object_remove for a kernel owner (device unbind): the owner's reference is already
   * dropped; the object must now be held by the table alone.
   */
  static void removeInternal(IommufdFile ictx, IommufdObject obj) {
    if (obj.users != 1) {
      ictx.kernel().tracer().note("WARN_ON: " + obj + " still has users " + obj.users
          + " at unbind");
      return;
    }
    obj.users = 0;
    ictx.objects().release(obj.id());
    ictx.kernel().decider().event(Event.REMOVED_BY_OWNER, obj, null, 0, 0);
    destroyBody(ictx, obj);
  }

  /**
   * iommufd_fops_release: passes over the table in ascending ID order, destroying every object
   * whose only user is the table, until nothing live is left or a pass makes no progress.
   */
  static void destroyAll(IommufdFile ictx) {
    Decider d = ictx.kernel().decider();
    for (int pass = 1; ; pass++) {
      List<IommufdObject> live = ictx.objects().live();
      if (live.isEmpty()) {
        return;
      }
      int destroyed = 0;
      for (IommufdObject obj : live) {
        if (obj.users != 1) {
          d.event(Event.RELEASE_KEPT, obj, null, pass, obj.users);
          continue;
        }
        obj.users = 0;
        destroyed++;
        d.event(Event.RELEASE_DESTROYED, obj, null, pass, 0);
        ictx.objects().release(obj.id());
        if (ictx.vfioIoas() == obj) {
          ictx.setVfioIoas(null);
        }
        destroyBody(ictx, obj);
      }
      if (destroyed == 0) {
        ictx.kernel().tracer().note("iommufd release: refcount leak, " + live.size()
            + " objects left (WARN_ON in iommufd_fops_release)");
        return;
      }
    }
  }
}
