package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.kernel.decide.EventqCheck.*;

import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMUFD_PAGE_RESP_INVALID;
import static org.iommufdsim.sim.uapi.IommufdUapi.IOMMUFD_PAGE_RESP_SUCCESS;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_page_response;
import static org.iommufdsim.sim.uapi.IommufdUapi.iommu_hwpt_pgfault;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The fd of a fault queue, "[iommufd-pgfault]" (mirrors eventq.c: iommufd_fault_fops_*).
 * Reads hand out whole fault groups as 40-byte records with a cookie; writes take 8-byte
 * responses by cookie; poll is always writable and readable while a group waits.
 */
final class FaultFile extends KFile {
  private final Fault fault;
  private final IommufdFile ictx;

  FaultFile(Fault fault, IommufdFile ictx) {
    this.fault = fault;
    this.ictx = ictx;
  }

  @Override
  public String describe() {
    return "anon_inode:[iommufd-pgfault]";
  }

  @Override
  public boolean readable() {
    return true;
  }

  @Override
  public boolean writable() {
    return true;
  }

  @Override
  public SysResult read(Task task, long buf, long count) {
    CStruct rec = iommu_hwpt_pgfault;
    long size = rec.size();
    org.iommufdsim.sim.kernel.decide.Decider d = task.kernel().decider();
    if (d.refuse(FAULT_READ_SIZE, pos != 0 || count % size != 0, count)) {
      return SysResult.err(Errno.ESPIPE, "fault reads need position 0 and a multiple of "
          + size + " bytes");
    }
    long done = 0;
    SysResult rc = SysResult.ok(0);
    while (!fault.deliver.isEmpty()) {
      Fault.Group g = fault.deliver.peekFirst();
      if (done >= count || g.faults.size() * size > count - done) {
        break;
      }
      // xa_alloc answers ENOMEM when it cannot allocate a node (fail-nth), EBUSY when every
      // cookie of xa_limit_32b is taken.
      if (task.shouldFail("xa_alloc(fault->response)")) {
        rc = SysResult.err(Errno.ENOMEM, "no memory for the response cookie");
        break;
      }
      if (d.refuse(FAULT_READ_COOKIE, fault.allocCookie(g) < 0)) {
        rc = SysResult.err(Errno.EBUSY, "every response cookie is in use");
        break;
      }
      fault.deliver.pollFirst();
      byte[] out = new byte[(int) (g.faults.size() * size)];
      int off = 0;
      for (Fault.PageRequest f : g.faults) {
        compose(out, off, f, g);
        off += (int) size;
      }
      if (d.refuse(FAULT_READ_COPY, !task.mm().copyTo(buf + done, out))) {
        fault.takeResponse(g.cookie);
        fault.deliver.addFirst(g);
        rc = SysResult.err(Errno.EFAULT, "read buffer is not writable user memory");
        break;
      }
      done += out.length;
    }
    return done == 0 ? rc : SysResult.ok(done);
  }

  /** iommufd_compose_fault_message. */
  private static void compose(byte[] out, int base, Fault.PageRequest f, Fault.Group g) {
    CStruct r = iommu_hwpt_pgfault;
    r.field("flags").set(out, base, f.flags());
    r.field("dev_id").set(out, base, g.idev.id());
    r.field("pasid").set(out, base, f.pasid());
    r.field("grpid").set(out, base, f.grpid());
    r.field("perm").set(out, base, f.perm());
    r.field("addr").set(out, base, f.addr());
    r.field("length").set(out, base, 0);
    r.field("cookie").set(out, base, g.cookie);
  }

  @Override
  public SysResult write(Task task, long buf, long count) {
    long size = iommu_hwpt_page_response.size();
    org.iommufdsim.sim.kernel.decide.Decider d = task.kernel().decider();
    if (d.refuse(FAULT_WRITE_SIZE, pos != 0 || count % size != 0, count)) {
      return SysResult.err(Errno.ESPIPE, "responses need position 0 and a multiple of "
          + size + " bytes");
    }
    long done = 0;
    SysResult rc = SysResult.ok(0);
    while (count > done) {
      byte[] resp = task.mm().copyFrom(buf + done, size);
      if (resp == null) {
        // copy_from_user returns the bytes not copied: a positive count reaches user space
        rc = SysResult.ok(size);
        break;
      }
      long cookie = iommu_hwpt_page_response.field("cookie").get(resp);
      long code = iommu_hwpt_page_response.field("code").get(resp);
      if (d.refuse(FAULT_WRITE_CODE,
          code != IOMMUFD_PAGE_RESP_SUCCESS && code != IOMMUFD_PAGE_RESP_INVALID, code)) {
        rc = SysResult.err(Errno.EINVAL, "code " + code + " is neither SUCCESS nor INVALID");
        break;
      }
      Fault.Group g = fault.takeResponse(cookie);
      if (d.refuse(FAULT_WRITE_COOKIE, g == null, cookie)) {
        rc = SysResult.err(Errno.EINVAL, "cookie " + cookie + " awaits no response");
        break;
      }
      d.event(org.iommufdsim.sim.kernel.decide.Event.IOPF_RESPONDED, g, null, code, cookie);
      respond(g, (int) code);
      done += size;
    }
    return done == 0 ? rc : SysResult.ok(done);
  }

  /** iopf_group_response: the device gets the answer for the whole group. */
  static void respond(Fault.Group g, int code) {
    Fault.PageRequest last = g.faults.getLast();
    g.idev.dev.respond(new IommuDevice.PageResponse(last.pasid(), (last.flags() & 1) != 0,
        last.grpid(), code));
  }

  @Override
  public int poll(Task task, int events) {
    int mask = 0x0004; // EPOLLOUT
    if (!fault.deliver.isEmpty()) {
      mask |= 0x0001 | 0x0040; // EPOLLIN | EPOLLRDNORM
    }
    return mask;
  }

  /** iommufd_fault_fops_release: drops the object reference and the context reference. */
  @Override
  protected void release() {
    fault.put();
    ictx.put();
  }
}
