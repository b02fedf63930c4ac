package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_OPTION_HUGE_PAGES;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_OPTION_OP_GET;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_OPTION_OP_SET;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_OPTION_RLIMIT_MODE;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VFIO_IOAS_CLEAR;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VFIO_IOAS_GET;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMU_VFIO_IOAS_SET;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_destroy;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_option;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_vfio_ioas;

import static org.iommufdsim.sim.kernel.decide.IoasCheck.*;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;

/** IOMMU_DESTROY, IOMMU_OPTION and IOMMU_VFIO_IOAS (mirrors main.c, ioas.c, vfio_compat.c). */
final class MainIoctls {
  private static final CField DESTROY_ID = iommu_destroy.field("id");

  private static final CField OPT_ID = iommu_option.field("option_id");
  private static final CField OPT_OP = iommu_option.field("op");
  private static final CField OPT_RES = iommu_option.field("__reserved");
  private static final CField OPT_OBJ = iommu_option.field("object_id");
  private static final CField OPT_VAL = iommu_option.field("val64");

  private static final CField VI_IOAS = iommu_vfio_ioas.field("ioas_id");
  private static final CField VI_OP = iommu_vfio_ioas.field("op");
  private static final CField VI_RES = iommu_vfio_ioas.field("__reserved");

  private MainIoctls() {}

  /** Mirrors main.c: iommufd_destroy. */
  static SysResult destroy(Ucmd u) {
    int id = u.u32(DESTROY_ID);
    Errno e = Lifecycle.removeByUser(u.ictx, id);
    if (e == Errno.ENOENT) {
      return SysResult.err(e, "no object with ID " + Integer.toUnsignedString(id));
    }
    if (e != null) {
      return SysResult.err(e, "object " + id + " is still in use (users "
          + u.ictx.objects().get(id, ObjType.ANY).users() + ")");
    }
    return SysResult.ok();
  }

  /** Mirrors main.c: iommufd_option. */
  static SysResult option(Ucmd u) {
    if (u.refuse(OPTION_RESERVED, u.get(OPT_RES) != 0)) {
      return SysResult.err(Errno.EOPNOTSUPP, "__reserved must be 0");
    }
    long optionId = u.get(OPT_ID);
    SysResult r;
    if (optionId == IOMMU_OPTION_RLIMIT_MODE) {
      r = rlimitMode(u);
    } else if (optionId == IOMMU_OPTION_HUGE_PAGES) {
      r = hugePages(u);
    } else {
      u.refuse(OPTION_ID, true, optionId);
      return SysResult.err(Errno.EOPNOTSUPP, "unknown option_id " + optionId);
    }
    if (!r.isOk()) {
      return r;
    }
    byte[] val = new byte[8];
    IoasIoctls.putLe64(val, 0, u.get(OPT_VAL));
    return u.copyToUser(u.ubuffer + OPT_VAL.offset(), val, "copy_to_user(val64)");
  }

  /** Mirrors main.c: iommufd_option_rlimit_mode. */
  private static SysResult rlimitMode(Ucmd u) {
    u.refuse(OPTION_ID, false, IOMMU_OPTION_RLIMIT_MODE);
    if (u.refuse(RLIMIT_OBJECT_ID, u.get(OPT_OBJ) != 0, u.get(OPT_OBJ))) {
      return SysResult.err(Errno.EOPNOTSUPP, "RLIMIT_MODE is global: object_id must be 0");
    }
    long op = u.get(OPT_OP);
    if (op == IOMMU_OPTION_OP_GET) {
      u.set(OPT_VAL, u.ictx.accountMode() == IommufdFile.AccountMode.MM ? 1 : 0);
      return SysResult.ok();
    }
    if (u.refuse(RLIMIT_OP, op != IOMMU_OPTION_OP_SET, op)) {
      return SysResult.err(Errno.EOPNOTSUPP, "unknown op " + op);
    }
    if (u.refuse(RLIMIT_CAP, !u.task.capSysResource())) {
      return SysResult.err(Errno.EPERM, "setting RLIMIT_MODE needs CAP_SYS_RESOURCE");
    }
    if (u.refuse(RLIMIT_EMPTY, !u.ictx.objects().isEmpty())) {
      return SysResult.err(Errno.EBUSY, "RLIMIT_MODE can only change while no object exists");
    }
    long val = u.get(OPT_VAL);
    if (val == 0) {
      u.ictx.setAccountMode(IommufdFile.AccountMode.USER);
    } else if (val == 1) {
      u.ictx.setAccountMode(IommufdFile.AccountMode.MM);
    } else {
      u.refuse(RLIMIT_VAL, true, val);
      return SysResult.err(Errno.EINVAL, "val64 must be 0 (user) or 1 (mm)");
    }
    return SysResult.ok();
  }

  /** Mirrors ioas.c: iommufd_ioas_option and iommufd_ioas_option_huge_pages. */
  private static SysResult hugePages(Ucmd u) {
    u.refuse(OPTION_ID, false, IOMMU_OPTION_HUGE_PAGES);
    Ioas ioas = u.ictx.getIoas(u.u32(OPT_OBJ));
    if (u.refuse(HUGE_PAGES_LOOKUP, ioas == null, u.get(OPT_OBJ))) {
      return SysResult.err(Errno.ENOENT, "object_id " + u.get(OPT_OBJ) + " is not an IOAS");
    }
    long op = u.get(OPT_OP);
    if (op == IOMMU_OPTION_OP_GET) {
      u.set(OPT_VAL, ioas.iopt().largePagesDisabled() ? 0 : 1);
      return SysResult.ok();
    }
    if (u.refuse(HUGE_PAGES_OP, op != IOMMU_OPTION_OP_SET, op)) {
      return SysResult.err(Errno.EOPNOTSUPP, "unknown op " + op);
    }
    long val = u.get(OPT_VAL);
    if (val == 0) {
      Errno e = ioas.iopt().disableLargePages(hasDomains(ioas));
      if (e == Errno.EINVAL) {
        return SysResult.err(e, "the IOAS has domains with pages mapped");
      }
      if (e != null) {
        return SysResult.err(e, "an existing area is not aligned to PAGE_SIZE");
      }
      return SysResult.ok();
    }
    if (val == 1) {
      ioas.iopt().enableLargePages();
      return SysResult.ok();
    }
    u.refuse(HUGE_PAGES_VAL, true, val);
    return SysResult.err(Errno.EINVAL, "val64 must be 0 or 1");
  }

  /** True if a domain has been added to the IOAS (a paging HWPT exists on it). */
  static boolean hasDomains(Ioas ioas) {
    return !ioas.iopt().domains().isEmpty();
  }

  /** Mirrors vfio_compat.c: iommufd_vfio_ioas. */
  static SysResult vfioIoas(Ucmd u) {
    if (u.refuse(VFIO_IOAS_RESERVED, u.get(VI_RES) != 0)) {
      return SysResult.err(Errno.EOPNOTSUPP, "__reserved must be 0");
    }
    long op = u.get(VI_OP);
    if (op == IOMMU_VFIO_IOAS_GET) {
      Ioas ioas = u.ictx.vfioIoas();
      if (u.refuse(VFIO_IOAS_GET_NONE, ioas == null)) {
        return SysResult.err(Errno.ENODEV, "no compatibility IOAS is set");
      }
      u.set(VI_IOAS, ioas.id());
      return u.respond();
    }
    if (op == IOMMU_VFIO_IOAS_SET) {
      Ioas ioas = u.ictx.getIoas(u.u32(VI_IOAS));
      if (u.refuse(VFIO_IOAS_SET_LOOKUP, ioas == null, u.get(VI_IOAS))) {
        return SysResult.err(Errno.ENOENT, "ioas_id " + u.get(VI_IOAS) + " is not an IOAS");
      }
      u.ictx.setVfioIoas(ioas);
      return SysResult.ok();
    }
    if (op == IOMMU_VFIO_IOAS_CLEAR) {
      u.ictx.setVfioIoas(null);
      return SysResult.ok();
    }
    u.refuse(VFIO_IOAS_OP, true, op);
    return SysResult.err(Errno.EOPNOTSUPP, "unknown op " + op);
  }
}
