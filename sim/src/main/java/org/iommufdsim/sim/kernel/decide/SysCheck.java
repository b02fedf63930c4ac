package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/** The syscall layer, fault injection, the object table and the ioctl dispatcher (main.c). */
public enum SysCheck implements Check {
  FAIL_NTH("should_fail", "fail-nth", null,
      "the armed fail-nth counter reached this fallible point, so it fails as if out of memory"
          + " or faulting"),
  FD_OPEN("fdget", "fd", EBADF, "the fd is not open in this process"),
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

  private final String function;
  private final String subject;
  private final Errno errno;
  private final String explanation;

  SysCheck(String function, String subject, Errno errno, String explanation) {
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
