package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/** The syscall layer, fault injection, the object table and the ioctl dispatcher (main.c). */
public enum SysCheck implements Check {
  FAIL_NTH("should_fail", "fail-nth", null,
      "the armed fail-nth counter reached this fallible point, so it fails as if out of memory"
          + " or faulting"),
  FD_OPEN("fdget", "fd", EBADF, "the fd is not open in this process"),
  PROCESS_ALIVE("do_exit", "current", ESRCH, "the process has exited"),
  OPEN_PATH("do_sys_open", "path", ENOENT,
      "no such file: the host has /dev/iommu, /dev/vfio/vfio and /dev/vfio/devices/<name>"),
  OPEN_FD("get_unused_fd_flags", "RLIMIT_NOFILE", EMFILE, "the process has no free fd number"),
  COUNT_SIZE("rw_verify_area", "count", EINVAL, "count must not exceed SSIZE_MAX"),
  RW_ACCESS_OK("vfs_read/vfs_write", "access_ok(buf, count)", EFAULT,
      "the buffer, all count bytes of it, must lie below the top of user space"),
  MMAP_TYPE("do_mmap", "flags & (MAP_SHARED|MAP_PRIVATE)", EINVAL,
      "a mapping is exactly one of shared or private"),
  MMAP_FIXED("do_mmap", "MAP_FIXED", EINVAL, "the simulator does not model MAP_FIXED"),
  MMAP_LENGTH("do_mmap", "length, offset", EINVAL,
      "length must not be 0 and offset must be page aligned"),
  MMAP_SIZE("do_mmap", "length", ENOMEM, "the length does not fit the address space"),
  MMAP_FILE("do_mmap", "file->f_op->mmap", ENODEV, "this kind of file cannot be mapped"),
  MMAP_FILE_PRIVATE("do_mmap", "MAP_PRIVATE of a file", ENODEV,
      "private file mappings are not modelled"),
  MMAP_OFFSET("do_mmap", "offset + length", EOVERFLOW, "the file range overflows"),
  MMAP_SPACE("get_unmapped_area", "address space", ENOMEM, "no room left in the address space"),
  IOMMUFD_MMAP_SHARED("iommufd_fops_mmap", "VM_SHARED", EINVAL,
      "an iommufd mapping (vIOMMU MMIO) must be MAP_SHARED"),
  IOMMUFD_MMAP_EXEC("iommufd_fops_mmap", "VM_EXEC", EPERM,
      "an iommufd mapping cannot be executable"),
  IOMMUFD_MMAP_REGION("iommufd_fops_mmap", "vm_pgoff, length", ENXIO,
      "no mmap region the kernel handed out sits at exactly this offset and length"),
  MUNMAP_ARGS("__vm_munmap", "addr, length", EINVAL,
      "addr must be page aligned, length non-zero, and the range inside user space"),
  FCNTL_CMD("do_fcntl", "cmd", EINVAL, "the simulator models F_GETFD, F_SETFD, F_GETFL, F_SETFL"),
  MEMFD_FLAGS("memfd_create", "flags", EINVAL, "unknown MFD_ flags"),
  MEMFD_NAME("memfd_create", "name", EINVAL, "the name is longer than 249 bytes"),
  FTRUNCATE_FILE("do_ftruncate", "file", EINVAL, "only a memfd can be truncated here"),
  FTRUNCATE_LENGTH("do_ftruncate", "length", EINVAL, "the length must not be negative"),
  FILE_IOCTL("vfs_ioctl", "file->f_op->unlocked_ioctl", ENOTTY,
      "this kind of file takes no such ioctl"),
  FILE_READ("vfs_read", "file->f_op->read", EINVAL, "this kind of file cannot be read"),
  FILE_WRITE("vfs_write", "file->f_op->write", EINVAL, "this kind of file cannot be written"),
  UCMD_COPY_TO_USER("copy_to_user", "user buffer", EFAULT,
      "the kernel writes results back into the caller's buffer; it must be writable"),
  OBJECT_ID_SPACE("_iommufd_object_alloc", "xa_alloc in xa_limit_31b", EBUSY,
      "every object ID from 1 to INT_MAX is taken"),
  DESTROY_LOOKUP("iommufd_object_remove", "id", ENOENT,
      "no finished object has this ID (never allocated, destroyed, or still being built)"),
  DESTROY_BUSY("iommufd_object_remove", "users == 1", EBUSY,
      "something else still holds a reference: only the table's own may remain"),
  DISPATCH_SIZE_READABLE("iommufd_fops_ioctl", "get_user(size)", EFAULT,
      "the first u32 of every iommufd command is its size; the argument must be readable"),
  DISPATCH_KNOWN_IOCTL("iommufd_fops_ioctl", "ioctl number", ENOTTY,
      "the request number is not an iommufd command (-ENOIOCTLCMD becomes ENOTTY)"),
  DISPATCH_MIN_SIZE("iommufd_fops_ioctl", "size >= min_size", EINVAL,
      "size must cover at least every field up to the last mandatory one"),
  DISPATCH_TAIL_READABLE("copy_struct_from_user", "bytes past the kernel's struct", EFAULT,
      "a larger struct from newer user space must be readable to be checked"),
  DISPATCH_TAIL_ZERO("copy_struct_from_user", "bytes past the kernel's struct", E2BIG,
      "user space is newer and asks for something this kernel does not know: the extra bytes"
          + " must all be zero"),
  DISPATCH_STRUCT_READABLE("copy_struct_from_user", "struct", EFAULT,
      "the command struct must be readable user memory");

  private final Check.Spec spec;

  SysCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
