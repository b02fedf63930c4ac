package org.iommufdsim.sim.kernel.iommufd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;

/**
 * A fault queue (mirrors eventq.c: struct iommufd_fault): fault groups waiting to be read, and
 * groups read but not yet answered, by cookie. Its fd holds a reference while open.
 */
public final class Fault extends IommufdObject {
  /** One fault of a page request (struct iopf_fault / iommu_fault_page_request). */
  public record PageRequest(int flags, int pasid, int grpid, int perm, long addr) {}

  /** struct iopf_group: the faults of one page request group and where they came from. */
  public static final class Group {
    final List<PageRequest> faults;
    final Device idev;
    final int pasid;
    final HwPagetable hwpt;
    long cookie;

    Group(List<PageRequest> faults, Device idev, int pasid, HwPagetable hwpt) {
      this.faults = faults;
      this.idev = idev;
      this.pasid = pasid;
      this.hwpt = hwpt;
    }

    public List<PageRequest> faults() {
      return faults;
    }

    public IommuDevice device() {
      return idev.dev;
    }
  }

  final ArrayDeque<Group> deliver = new ArrayDeque<>();
  /** The response xarray: cookies from 1, lowest free first. */
  final TreeMap<Long, Group> response = new TreeMap<>();
  FaultFile file;

  Fault() {
    super(ObjType.FAULT);
  }

  /** Cookies below {@link #nextCookie} that are free again. */
  private final java.util.TreeSet<Long> freedCookies = new java.util.TreeSet<>();
  private long nextCookie = 1;

  /** xa_alloc with xa_limit_32b and XA_FLAGS_ALLOC1: the lowest free cookie, or -1. O(log n). */
  long allocCookie(Group g) {
    long c;
    if (!freedCookies.isEmpty()) {
      c = freedCookies.pollFirst();
    } else if (nextCookie <= 0xffffffffL) {
      c = nextCookie++;
    } else {
      return -1;
    }
    g.cookie = c;
    response.put(c, g);
    return c;
  }

  /** xa_erase of a cookie: the group, or null if none awaits a response under it. */
  Group takeResponse(long cookie) {
    Group g = response.remove(cookie);
    if (g != null) {
      freedCookies.add(cookie);
    }
    return g;
  }

  public List<Group> pending() {
    return new ArrayList<>(deliver);
  }

  public List<Group> awaitingResponse() {
    return new ArrayList<>(response.values());
  }
}
