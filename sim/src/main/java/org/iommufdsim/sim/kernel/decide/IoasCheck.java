package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/**
 * The IOAS ioctls (ioas.c), the io page table under them (io_pagetable.c), IOMMU_OPTION
 * (main.c) and IOMMU_VFIO_IOAS (vfio_compat.c), in the kernel's order.
 */
public enum IoasCheck implements Check {
  IOAS_ALLOC_FLAGS("iommufd_ioas_alloc_ioctl", "flags", EOPNOTSUPP,
      "no IOAS allocation flag is defined: flags must be 0"),
  IOVA_RANGES_RESERVED("iommufd_ioas_iova_ranges", "__reserved", EOPNOTSUPP,
      "reserved fields must be 0 so they can gain a meaning later"),
  IOVA_RANGES_LOOKUP("iommufd_ioas_iova_ranges", "ioas_id", ENOENT,
      "ioas_id does not name an IOAS"),
  IOVA_RANGES_FITS("iommufd_ioas_iova_ranges", "num_iovas", EMSGSIZE,
      "the array is too small for every usable range; num_iovas now says how many there are"),
  ALLOW_IOVAS_RESERVED("iommufd_ioas_allow_iovas", "__reserved", EOPNOTSUPP,
      "reserved fields must be 0 so they can gain a meaning later"),
  ALLOW_IOVAS_LOOKUP("iommufd_ioas_allow_iovas", "ioas_id", ENOENT,
      "ioas_id does not name an IOAS"),
  ALLOW_IOVAS_READ("iommufd_ioas_allow_iovas", "allowed_iovas[i]", EFAULT,
      "each range is copied from user memory, which must be readable"),
  ALLOW_IOVAS_ORDER("iommufd_ioas_allow_iovas", "allowed_iovas[i].start < last", EINVAL,
      "an allowed range needs start below last"),
  ALLOW_IOVAS_OVERLAP("iommufd_ioas_allow_iovas", "allowed_iovas[i] vs earlier ranges", EINVAL,
      "allowed ranges must not overlap each other"),
  ALLOW_IOVAS_RESERVED_RANGE("iopt_set_allow_iova", "allowed vs reserved ranges", EADDRINUSE,
      "an allowed range may not cover IOVA that is already reserved (by a device or domain)"),
  MAP_RESERVED("iommufd_ioas_map", "__reserved", EOPNOTSUPP,
      "reserved fields must be 0 so they can gain a meaning later"),
  MAP_FLAGS("iommufd_ioas_map", "flags & ~(FIXED_IOVA|WRITEABLE|READABLE)", EOPNOTSUPP,
      "only FIXED_IOVA, WRITEABLE and READABLE are defined"),
  MAP_ULONG_MAX("iommufd_ioas_map", "iova, length", EOVERFLOW,
      "iova and length must fit an unsigned long below ULONG_MAX"),
  MAP_PROT("iommufd_ioas_map", "flags & (WRITEABLE|READABLE)", EINVAL,
      "a mapping with neither READABLE nor WRITEABLE grants no access at all"),
  MAP_LOOKUP("iommufd_ioas_map", "ioas_id", ENOENT, "ioas_id does not name an IOAS"),
  MAP_USER_VA_OVERFLOW("iopt_map_user_pages", "user_va + length", EOVERFLOW,
      "the user range wraps around the address space"),
  MAP_LENGTH("iopt_alloc_user_pages", "length", EINVAL,
      "length is 0 or too large to count in pages"),
  MAP_FILE_FLAGS("iommufd_ioas_map_file", "flags & ~(FIXED_IOVA|WRITEABLE|READABLE)",
      EOPNOTSUPP, "only FIXED_IOVA, WRITEABLE and READABLE are defined"),
  MAP_FILE_ULONG_MAX("iommufd_ioas_map_file", "iova, length", EOVERFLOW,
      "iova and length must fit an unsigned long below ULONG_MAX"),
  MAP_FILE_PROT("iommufd_ioas_map_file", "flags & (WRITEABLE|READABLE)", EINVAL,
      "a mapping with neither READABLE nor WRITEABLE grants no access at all"),
  MAP_FILE_LOOKUP("iommufd_ioas_map_file", "ioas_id", ENOENT, "ioas_id does not name an IOAS"),
  MAP_FILE_LENGTH_ZERO("iopt_map_file_pages", "length", EINVAL, "length must not be 0"),
  MAP_FILE_START_OVERFLOW("iopt_map_file_pages", "start + length - 1", EOVERFLOW,
      "the file range wraps around"),
  MAP_FILE_FD("iommufd_ioas_map_file", "fd", EBADF, "fd is not an open file"),
  MAP_FILE_LENGTH("iopt_alloc_file_pages", "length", EINVAL,
      "length is too large to count in pages"),
  MAP_DMABUF_RANGE("iopt_alloc_dmabuf_pages", "start + length vs dma-buf size", EINVAL,
      "the range runs past the end of the dma-buf"),
  MAP_DMABUF_BATCH("iopt_alloc_dmabuf_pages", "length / PAGE_SIZE", EINVAL,
      "too many pages to track in one batch"),
  MAP_DMABUF_REVOKED("iopt_alloc_dmabuf_pages", "dma-buf revoked", ENODEV,
      "the exporter has revoked the dma-buf: there is nothing left to map"),
  COPY_FLAGS("iommufd_ioas_copy", "flags & ~(FIXED_IOVA|WRITEABLE|READABLE)", EOPNOTSUPP,
      "only FIXED_IOVA, WRITEABLE and READABLE are defined"),
  COPY_ULONG_MAX("iommufd_ioas_copy", "length, src_iova, dst_iova", EOVERFLOW,
      "length and both IOVAs must be below ULONG_MAX"),
  COPY_PROT("iommufd_ioas_copy", "flags & (WRITEABLE|READABLE)", EINVAL,
      "a mapping with neither READABLE nor WRITEABLE grants no access at all"),
  COPY_SRC_LOOKUP("iommufd_ioas_copy", "src_ioas_id", ENOENT,
      "src_ioas_id does not name an IOAS"),
  COPY_DST_LOOKUP("iommufd_ioas_copy", "dst_ioas_id", ENOENT,
      "dst_ioas_id does not name an IOAS"),
  GET_PAGES_LENGTH("iopt_get_pages", "length", EINVAL, "length must not be 0"),
  GET_PAGES_OVERFLOW("iopt_get_pages", "src_iova + length - 1", EOVERFLOW,
      "the source range wraps around"),
  GET_PAGES_CONTIGUOUS("iopt_get_pages", "areas covering the source range", ENOENT,
      "the source range must be covered entirely by areas that follow each other"),
  IOPT_MAP_LENGTH("iopt_map_pages", "length % iova_alignment", EINVAL,
      "length must be a non-zero multiple of the IOAS's IOVA alignment"),
  ALLOC_IOVA_LENGTH("iopt_alloc_iova", "length", EOVERFLOW,
      "length is 0 or too large to find room for"),
  ALLOC_IOVA_ALIGN("iopt_alloc_iova", "alignment of user_va", EINVAL,
      "the user address's own alignment is below the IOAS's IOVA alignment"),
  ALLOC_IOVA_SPACE("iopt_alloc_iova", "free IOVA", ENOSPC,
      "no hole in the allowed, unreserved IOVA space fits length at that alignment"),
  CHECK_IOVA_ALIGNED("iopt_check_iova", "iova % iova_alignment", EINVAL,
      "a fixed IOVA must be aligned to the IOAS's IOVA alignment"),
  CHECK_IOVA_OVERFLOW("iopt_check_iova", "iova + length - 1", EOVERFLOW,
      "the IOVA range wraps around"),
  CHECK_IOVA_RESERVED("iopt_check_iova", "reserved ranges", EINVAL,
      "the fixed range touches reserved IOVA (a device's MSI window, an aperture edge, ...)"),
  CHECK_IOVA_EXISTS("iopt_check_iova", "existing areas", EEXIST,
      "the fixed range overlaps an existing mapping"),
  INSERT_WRITABLE("iopt_insert_area", "WRITEABLE vs the pages", EPERM,
      "WRITEABLE was asked for pages that can only be read"),
  INSERT_OFFSET("iopt_insert_area", "page offset % iova_alignment", EINVAL,
      "the offset into the first page breaks the IOVA alignment"),
  INSERT_OVERFLOW("iopt_insert_area", "iova + length - 1", EOVERFLOW,
      "the area would wrap around"),
  PIN_FILE("iopt_pages_fill", "the file behind the pages", EINVAL,
      "the pages come from a file the kernel cannot pin"),
  PIN_FILE_SIZE("iopt_pages_fill", "file size", EINVAL,
      "the mapped range now runs past the end of the file"),
  PIN_OWNER("pin_user_pages_remote", "the mapping process", EFAULT,
      "the process whose memory was mapped has exited"),
  PIN_USER_VMA("pin_user_pages_remote", "VMA and its protection", EFAULT,
      "the user address is not mapped, or not readable, or not writable for a WRITEABLE map"),
  PIN_USER_BACKING("pin_user_pages_remote", "backing object size", EFAULT,
      "the memory behind the mapping is gone (its file was truncated)"),
  UNMAP_LOOKUP("iommufd_ioas_unmap", "ioas_id", ENOENT, "ioas_id does not name an IOAS"),
  UNMAP_ULONG_MAX("iommufd_ioas_unmap", "iova, length", EOVERFLOW,
      "iova and length must be below ULONG_MAX (except the unmap-all form 0, ULONG_MAX)"),
  UNMAP_LENGTH("iopt_unmap_iova", "length", EINVAL, "length must not be 0"),
  UNMAP_OVERFLOW("iopt_unmap_iova", "iova + length - 1", EOVERFLOW,
      "the IOVA range wraps around"),
  UNMAP_LOCKED("iopt_unmap_iova_range", "area->num_locks", EBUSY,
      "an area in the range is locked by the kernel (a HW queue's memory)"),
  UNMAP_SPLIT("iopt_unmap_iova_range", "area inside [iova, last]", ENOENT,
      "areas are never split: each one touched must lie entirely inside the range"),
  UNMAP_ACCESS("iopt_unmap_iova_range", "area->num_accesses", EDEADLK,
      "an in-kernel access kept its pins after being told to unmap"),
  UNMAP_NOTHING("iopt_unmap_iova_range", "unmapped bytes", ENOENT,
      "no area lies in the range"),
  CHANGE_PROCESS_RESERVED("iommufd_ioas_change_process", "__reserved", EOPNOTSUPP,
      "reserved fields must be 0 so they can gain a meaning later"),
  CHANGE_PROCESS_FILE_ONLY("iommufd_ioas_change_process", "every area's pages", EINVAL,
      "only file-backed mappings can move to another process's accounting"),
  OPTION_RESERVED("iommufd_option", "__reserved", EOPNOTSUPP,
      "reserved fields must be 0 so they can gain a meaning later"),
  OPTION_ID("iommufd_option", "option_id", EOPNOTSUPP,
      "only RLIMIT_MODE and HUGE_PAGES are defined"),
  RLIMIT_OBJECT_ID("iommufd_option_rlimit_mode", "object_id", EOPNOTSUPP,
      "RLIMIT_MODE is global to the iommufd: object_id must be 0"),
  RLIMIT_OP("iommufd_option_rlimit_mode", "op", EOPNOTSUPP, "op is neither GET nor SET"),
  RLIMIT_CAP("iommufd_option_rlimit_mode", "capable(CAP_SYS_RESOURCE)", EPERM,
      "changing how pinned memory is accounted needs CAP_SYS_RESOURCE"),
  RLIMIT_EMPTY("iommufd_option_rlimit_mode", "xa_empty(objects)", EBUSY,
      "the accounting mode can only change before any object exists"),
  RLIMIT_VAL("iommufd_option_rlimit_mode", "val64", EINVAL, "val64 must be 0 (user) or 1 (mm)"),
  HUGE_PAGES_LOOKUP("iommufd_ioas_option", "object_id", ENOENT,
      "object_id does not name an IOAS"),
  HUGE_PAGES_OP("iommufd_ioas_option", "op", EOPNOTSUPP, "op is neither GET nor SET"),
  HUGE_PAGES_VAL("iommufd_ioas_option_huge_pages", "val64", EINVAL, "val64 must be 0 or 1"),
  DISABLE_LARGE_DOMAINS("iopt_disable_large_pages", "domains and areas", EINVAL,
      "large pages cannot be turned off while a domain already maps areas"),
  ALIGNMENT_AREAS("iopt_calculate_iova_alignment", "existing areas", EADDRINUSE,
      "raising the IOVA alignment would leave an existing area misaligned"),
  VFIO_IOAS_RESERVED("iommufd_vfio_ioas", "__reserved", EOPNOTSUPP,
      "reserved fields must be 0 so they can gain a meaning later"),
  VFIO_IOAS_GET_NONE("iommufd_vfio_ioas", "ictx->vfio_ioas", ENODEV,
      "no compatibility IOAS has been chosen or created yet"),
  VFIO_IOAS_SET_LOOKUP("iommufd_vfio_ioas", "ioas_id", ENOENT, "ioas_id does not name an IOAS"),
  VFIO_IOAS_OP("iommufd_vfio_ioas", "op", EOPNOTSUPP, "op is not GET, SET or CLEAR");

  private final String function;
  private final String subject;
  private final Errno errno;
  private final String explanation;

  IoasCheck(String function, String subject, Errno errno, String explanation) {
    this.function = function;
    this.subject = subject;
    this.errno = errno;
    this.explanation = explanation;
  }

  @Override
  public String id() {
    return name();
  }

  @Override
  public String function() {
    return function;
  }

  @Override
  public String subject() {
    return subject;
  }

  @Override
  public Errno errno() {
    return errno;
  }

  @Override
  public String explanation() {
    return explanation;
  }
}
