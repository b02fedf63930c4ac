package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/**
 * The VFIO device cdev (device_cdev.c) and the VFIO type1 compatibility ioctls on an iommufd
 * (vfio_compat.c).
 */
public enum VfioCheck implements Check {
  VFIO_BOUND("vfio_device_fops_unl_ioctl", "df->iommufd", EINVAL,
      "the device fd must be bound to an iommufd (VFIO_DEVICE_BIND_IOMMUFD) first"),
  VFIO_DEVICE_IOCTL("vfio_device_fops_unl_ioctl", "cmd", ENOTTY,
      "the device fd takes no such ioctl (or the simulator does not model it)"),
  VFIO_COPY_IN("copy_from_user", "arg", EFAULT, "the argument struct must be readable"),
  VFIO_COPY_OUT("copy_to_user", "arg", EFAULT, "the result field must be writable"),
  BIND_ARGSZ("vfio_df_ioctl_bind_iommufd", "argsz, iommufd", EINVAL,
      "argsz must cover the struct and the iommufd must not be negative"),
  BIND_FLAGS("vfio_df_ioctl_bind_iommufd", "flags & ~VFIO_DEVICE_BIND_FLAG_TOKEN", EINVAL,
      "only VFIO_DEVICE_BIND_FLAG_TOKEN is defined"),
  BIND_ONCE("vfio_df_ioctl_bind_iommufd", "df->access_granted", EINVAL,
      "the device is already bound"),
  BIND_FD("vfio_df_ioctl_bind_iommufd", "iommufd", EBADF, "iommufd is not an open fd"),
  BIND_FD_TYPE("iommufd_ctx_from_fd", "iommufd", EBADFD, "the fd is not an iommufd"),
  ATTACH_ARGSZ("vfio_df_ioctl_attach_pt", "argsz", EINVAL, "argsz must cover the struct"),
  ATTACH_FLAGS("vfio_df_ioctl_attach_pt", "flags & ~VFIO_DEVICE_ATTACH_PASID", EINVAL,
      "only VFIO_DEVICE_ATTACH_PASID is defined"),
  ATTACH_PASID_ARGSZ("vfio_df_ioctl_attach_pt", "argsz with VFIO_DEVICE_ATTACH_PASID", EINVAL,
      "a PASID attach needs argsz to cover pasid"),
  DETACH_ARGSZ("vfio_df_ioctl_detach_pt", "argsz", EINVAL, "argsz must cover the struct"),
  DETACH_FLAGS("vfio_df_ioctl_detach_pt", "flags & ~VFIO_DEVICE_DETACH_PASID", EINVAL,
      "only VFIO_DEVICE_DETACH_PASID is defined"),
  DETACH_PASID_ARGSZ("vfio_df_ioctl_detach_pt", "argsz with VFIO_DEVICE_DETACH_PASID", EINVAL,
      "a PASID detach needs argsz to cover pasid"),
  COMPAT_IOCTL("iommufd_vfio_ioctl", "cmd", ENOTTY,
      "neither an iommufd command nor a VFIO type1 compatibility ioctl"),
  COMPAT_IOAS("iommufd_vfio_get_ioas", "ictx->vfio_ioas", ENODEV,
      "no compatibility IOAS: set one with IOMMU_VFIO_IOAS or VFIO_SET_IOMMU"),
  COMPAT_SET_IOMMU_TYPE("iommufd_vfio_set_iommu", "type", EINVAL,
      "only VFIO_TYPE1_IOMMU and VFIO_TYPE1v2_IOMMU are emulated"),
  COMPAT_COPY_IN("copy_from_user", "arg", EFAULT, "the argument struct must be readable"),
  COMPAT_COPY_OUT("copy_to_user", "arg", EFAULT, "the result must be writable"),
  COMPAT_INFO_ARGSZ("iommufd_vfio_iommu_get_info", "argsz", EINVAL,
      "argsz must reach at least iova_pgsizes"),
  COMPAT_MAP_ARGS("iommufd_vfio_map_dma", "argsz, flags", EINVAL,
      "argsz must cover the struct and only READ and WRITE are known"),
  COMPAT_MAP_OVERFLOW("iopt_map_user_pages", "vaddr + size", EOVERFLOW,
      "the user range wraps around"),
  COMPAT_MAP_SIZE("iopt_alloc_user_pages", "size", EINVAL, "size is 0 or too large"),
  COMPAT_UNMAP_ARGS("iommufd_vfio_unmap_dma", "argsz, flags", EINVAL,
      "argsz must cover the struct and only VFIO_DMA_UNMAP_FLAG_ALL is known"),
  COMPAT_UNMAP_ALL_ARGS("iommufd_vfio_unmap_dma", "iova, size with UNMAP_ALL", EINVAL,
      "unmapping everything takes iova 0 and size 0"),
  COMPAT_UNMAP_SIZE("iopt_unmap_iova", "size", EINVAL, "size must not be 0"),
  COMPAT_UNMAP_OVERFLOW("iopt_unmap_iova", "iova + size - 1", EOVERFLOW,
      "the IOVA range wraps around");

  private final Check.Spec spec;

  VfioCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
