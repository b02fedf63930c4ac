package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/**
 * Fault queues and vEVENTQs (eventq.c): allocation of their files and the read/write paths of
 * their fds.
 */
public enum EventqCheck implements Check {
  FAULT_ALLOC_FLAGS("iommufd_fault_alloc", "flags", EOPNOTSUPP,
      "no fault queue flag is defined: flags must be 0"),
  EVENTQ_FD("get_unused_fd_flags", "RLIMIT_NOFILE", EMFILE,
      "the process has no free fd number for the queue's file"),
  FAULT_READ_SIZE("iommufd_fault_fops_read", "*ppos == 0, count % sizeof(iommu_hwpt_pgfault)",
      ESPIPE, "fault records are read whole, from position 0"),
  FAULT_READ_COOKIE("iommufd_fault_fops_read", "xa_alloc in xa_limit_32b", EBUSY,
      "every response cookie is taken by a group read and not answered"),
  FAULT_READ_COPY("iommufd_fault_fops_read", "buf", EFAULT,
      "the read buffer must be writable user memory"),
  FAULT_WRITE_SIZE("iommufd_fault_fops_write",
      "*ppos == 0, count % sizeof(iommu_hwpt_page_response)", ESPIPE,
      "responses are written whole, from position 0"),
  FAULT_WRITE_CODE("iommufd_fault_fops_write", "response.code", EINVAL,
      "a response code is SUCCESS or INVALID"),
  FAULT_WRITE_COOKIE("iommufd_fault_fops_write", "response.cookie", EINVAL,
      "the cookie names no group that was read and awaits an answer"),
  VEVENTQ_READ_POS("iommufd_veventq_fops_read", "*ppos", ESPIPE,
      "vEVENTQ records are read from position 0"),
  VEVENTQ_READ_COPY("iommufd_veventq_fops_read", "buf", EFAULT,
      "the read buffer must be writable user memory"),
  VEVENTQ_WRITE("vfs_write", "file->f_op->write", EINVAL,
      "a vEVENTQ's file has no write operation");

  private final Check.Spec spec;

  EventqCheck(String function, String subject, Errno errno, String explanation) {
    spec = new Check.Spec(function, subject, errno, explanation);
  }

  @Override
  public Check.Spec spec() {
    return spec;
  }
}
