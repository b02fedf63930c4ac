package org.iommufdsim.sim.kernel.iopt;

import static org.iommufdsim.sim.kernel.decide.IoasCheck.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.decide.HwptCheck;
import org.iommufdsim.sim.kernel.decide.ViommuCheck;
import org.iommufdsim.sim.kernel.iommu.IommuDomain;
import org.iommufdsim.sim.kernel.util.RunCounts;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The IO page table of one IOAS (mirrors {@code io_pagetable.c}): areas in an ordered map by
 * IOVA, reserved ranges as an owner-tagged coverage count, allowed ranges, and the alignment
 * derived from the domains and accesses attached. Area lookups are O(log n); nothing is kept
 * per page.
 */
public final class IoPagetable {
  /** IOMMU_READ / IOMMU_WRITE / IOMMU_CACHE (include/linux/iommu.h). */
  public static final int IOMMU_READ = 1;
  public static final int IOMMU_WRITE = 2;
  public static final int IOMMU_CACHE = 4;

  /** What the alignment of an IOAS is derived from: a domain or an access. */
  public interface AlignmentSource {
    long iovaAlignment();
  }

  private final long pageSize;
  private final long hpageSize;
  private final TreeMap<Long, IoptArea> areas = new TreeMap<>(Long::compareUnsigned);
  private final RunCounts reserved = new RunCounts();
  /** Coverage of the areas: contiguous areas form one run, so hole searches skip them at once. */
  private final RunCounts areaCover = new RunCounts();
  private final Map<Object, List<long[]>> reservedByOwner = new LinkedHashMap<>();
  private final TreeMap<Long, Long> allowed = new TreeMap<>(Long::compareUnsigned);
  private final List<AlignmentSource> alignmentSources = new ArrayList<>();
  /** Domains added to this IOAS, in order; areas are pinned while there is at least one. */
  private final List<IommuDomain> domains = new ArrayList<>();
  private long iovaAlignment = 1;
  private boolean disableLargePages;

  private final Decider decider;

  /** An io page table whose checks record into nothing (unit tests of the table alone). */
  public IoPagetable(long pageSize) {
    this(pageSize, new Decider());
  }

  /** An io page table whose checks record into the kernel's {@code decider}. */
  public IoPagetable(long pageSize, Decider decider) {
    this.pageSize = pageSize;
    this.hpageSize = 2L << 20;
    this.decider = decider;
  }

  public long pageSize() {
    return pageSize;
  }

  public long iovaAlignment() {
    return iovaAlignment;
  }

  public boolean largePagesDisabled() {
    return disableLargePages;
  }

  public NavigableMap<Long, IoptArea> areas() {
    return java.util.Collections.unmodifiableNavigableMap(areas);
  }

  public RunCounts reserved() {
    return reserved;
  }

  /** The areas' coverage runs (for invariants). */
  public RunCounts areaCover() {
    return areaCover;
  }

  public Map<Long, Long> allowed() {
    return java.util.Collections.unmodifiableMap(allowed);
  }

  public List<AlignmentSource> alignmentSources() {
    return List.copyOf(alignmentSources);
  }

  // ---- lookups ----

  /** iopt_area_iter_first: the lowest area intersecting {@code [start, last]}, or null. */
  public IoptArea firstArea(long start, long last) {
    Map.Entry<Long, IoptArea> e = areas.floorEntry(start);
    if (e != null && U64.ge(e.getValue().last(), start)) {
      return e.getValue();
    }
    e = areas.ceilingEntry(start);
    if (e != null && U64.le(e.getKey(), last)) {
      return e.getValue();
    }
    return null;
  }

  private IoptArea areaAfter(IoptArea a, long last) {
    if (a.last() == U64.MAX) {
      return null;
    }
    Map.Entry<Long, IoptArea> e = areas.ceilingEntry(a.last() + 1);
    return e != null && U64.le(e.getKey(), last) ? e.getValue() : null;
  }

  /** iopt_allowed_iter_first != NULL. */
  public boolean allowedIntersects(long start, long last) {
    Map.Entry<Long, Long> e = allowed.floorEntry(last);
    return e != null && U64.ge(e.getValue(), start);
  }

  // ---- map ----

  /**
   * iopt_map_pages: creates one area per slice, laid out back to back from the chosen IOVA.
   * On success the new areas own the slices' page references and {@code iovaOut[0]} holds the
   * IOVA; on failure nothing changed and the caller still owns the references.
   */
  public Errno mapPages(Task task, List<IoptSlice> slices, long length, boolean allocIova,
      long fixedIova, int prot, long[] iovaOut) {
    for (int i = 0; i < slices.size(); i++) {
      if (task.shouldFail("kzalloc(iopt_area)")) {
        return Errno.ENOMEM;
      }
    }
    if (decider.refuse(IOPT_MAP_LENGTH, (length & (iovaAlignment - 1)) != 0 || length == 0,
        length)) {
      return Errno.EINVAL;
    }
    long iova;
    if (allocIova) {
      long[] out = new long[1];
      Errno e = allocIova(out, slices.getFirst().hintAddress(), length);
      if (e != null) {
        return e;
      }
      iova = out[0];
    } else {
      Errno e = checkIova(fixedIova, length);
      if (e != null) {
        return e;
      }
      iova = fixedIova;
    }
    List<IoptArea> inserted = new ArrayList<>();
    long at = iova;
    for (IoptSlice s : slices) {
      Errno e = checkInsert(s, at, prot);
      if (e != null) {
        inserted.forEach(this::removeArea);
        return e;
      }
      IoptArea a = new IoptArea(at, at + s.length() - 1, prot, s.pages(), s.startByte());
      putArea(a);
      inserted.add(a);
      at += s.length();
    }
    if (!domains.isEmpty()) {
      List<IoptArea> filled = new ArrayList<>();
      for (IoptArea a : inserted) {
        Errno e = fill(task, a);
        if (e != null) {
          filled.forEach(this::unfill);
          inserted.forEach(this::removeArea);
          return e;
        }
        filled.add(a);
      }
    }
    iovaOut[0] = iova;
    return null;
  }

  /** iopt_insert_area's checks. */
  private Errno checkInsert(IoptSlice s, long iova, int prot) {
    if (decider.refuse(INSERT_WRITABLE, (prot & IOMMU_WRITE) != 0 && !s.pages().writable())) {
      return Errno.EPERM;
    }
    long pageOffset = s.startByte() % pageSize;
    if (decider.refuse(INSERT_OFFSET, (pageOffset & (iovaAlignment - 1)) != 0, pageOffset)) {
      return Errno.EINVAL;
    }
    if (decider.refuse(INSERT_OVERFLOW, U64.addOverflows(iova, s.length() - 1)
        || U64.addOverflows(s.startByte(), s.length() - 1))) {
      return Errno.EOVERFLOW;
    }
    return null;
  }

  private void putArea(IoptArea a) {
    areas.put(a.iova(), a);
    areaCover.add(a.iova(), a.last(), 1);
  }

  private void removeArea(IoptArea a) {
    areas.remove(a.iova());
    areaCover.add(a.iova(), a.last(), -1);
  }

  /** iopt_check_iova: a FIXED_IOVA request. */
  private Errno checkIova(long iova, long length) {
    if (decider.refuse(CHECK_IOVA_ALIGNED, (iova & (iovaAlignment - 1)) != 0, iova)) {
      return Errno.EINVAL;
    }
    if (decider.refuse(CHECK_IOVA_OVERFLOW, U64.addOverflows(iova, length - 1))) {
      return Errno.EOVERFLOW;
    }
    long last = iova + length - 1;
    if (decider.refuse(CHECK_IOVA_RESERVED, reserved.intersects(iova, last))) {
      return Errno.EINVAL;
    }
    if (decider.refuse(CHECK_IOVA_EXISTS, firstArea(iova, last) != null)) {
      return Errno.EEXIST;
    }
    return null;
  }

  /**
   * iopt_alloc_iova: first fit over the allowed windows (or [PAGE_SIZE, ULONG_MAX-PAGE_SIZE]),
   * skipping reserved ranges and areas; keeps the sub-page offset of {@code addr}.
   */
  Errno allocIova(long[] out, long addr, long length) {
    long pageOffset = addr % pageSize;
    if (decider.refuse(ALLOC_IOVA_LENGTH, length == 0 || U64.ge(length, U64.MAX >>> 1))) {
      return Errno.EOVERFLOW;
    }
    long align = addr == 0
        ? U64.roundupPow2(length)
        : U64.min(U64.roundupPow2(length), U64.lowestBit(addr));
    if (U64.ge(align, hpageSize)) {
      align = hpageSize;
    }
    if (decider.refuse(ALLOC_IOVA_ALIGN, U64.lt(align, iovaAlignment), align)) {
      return Errno.EINVAL;
    }
    for (long[] window : allowedWindows(pageSize, U64.MAX - pageSize)) {
      long[] w = {window[0]};
      if (!checkRange(w, window[1], length, align, pageOffset)) {
        continue;
      }
      long cursor = w[0];
      while (U64.le(cursor, window[1])) {
        long[] used = usedSpanFrom(cursor, window[1]);
        long holeLast = used == null ? window[1] : used[0] - 1;
        if (used == null || U64.lt(cursor, used[0])) {
          long[] h = {cursor};
          if (checkRange(h, holeLast, length, align, pageOffset)) {
            out[0] = h[0];
            decider.pass(ALLOC_IOVA_SPACE);
            return null;
          }
        }
        if (used == null || U64.ge(used[1], window[1])) {
          break;
        }
        cursor = used[1] + 1;
      }
    }
    decider.refused(ALLOC_IOVA_SPACE);
    return Errno.ENOSPC;
  }

  /** __alloc_iova_check_range: aligns {@code start[0]} up (overflow-checked) and fits length. */
  private static boolean checkRange(long[] start, long last, long length, long align, long off) {
    if (U64.addOverflows(start[0], align - 1)) {
      return false;
    }
    long aligned = ((start[0] + align - 1) & -align) | off;
    if (U64.ge(aligned, last) || U64.lt(last - aligned, length - 1)) {
      return false;
    }
    start[0] = aligned;
    return true;
  }

  /** Spans of the allowed set clipped to [lo, hi] (adjacent ranges merge); or [lo, hi]. */
  private List<long[]> allowedWindows(long lo, long hi) {
    List<long[]> out = new ArrayList<>();
    if (allowed.isEmpty()) {
      out.add(new long[] {lo, hi});
      return out;
    }
    long[] cur = null;
    for (Map.Entry<Long, Long> e : allowed.entrySet()) {
      long s = e.getKey();
      long l = e.getValue();
      if (cur != null && (cur[1] == U64.MAX || U64.le(s, cur[1] + 1))) {
        cur[1] = U64.max(cur[1], l);
        continue;
      }
      if (cur != null) {
        out.add(cur);
      }
      cur = new long[] {s, l};
    }
    out.add(cur);
    List<long[]> clipped = new ArrayList<>();
    for (long[] w : out) {
      long s = U64.max(w[0], lo);
      long l = U64.min(w[1], hi);
      if (U64.le(s, l)) {
        clipped.add(new long[] {s, l});
      }
    }
    return clipped;
  }

  /**
   * The maximal used span (reserved or area, merged) that contains or follows {@code from},
   * clipped to {@code hi}; null when the rest up to {@code hi} is a hole.
   */
  private long[] usedSpanFrom(long from, long hi) {
    long[] span = null;
    long probe = from;
    while (true) {
      long[] next = earliest(reserved.coveredFrom(probe), areaCover.coveredFrom(probe));
      if (next == null || U64.gt(next[0], hi)) {
        return span;
      }
      if (span == null) {
        span = next.clone();
      } else if (U64.le(next[0], span[1]) || next[0] == span[1] + 1) {
        span[1] = U64.max(span[1], next[1]);
      } else {
        return span;
      }
      if (span[1] == U64.MAX || U64.ge(span[1], hi)) {
        return span;
      }
      probe = span[1] + 1;
      if (span[0] != from && U64.lt(probe, from)) {
        return span;
      }
    }
  }

  private static long[] earliest(long[] a, long[] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return U64.le(a[0], b[0]) ? a : b;
  }

  // ---- get pages (COPY source) ----

  /**
   * iopt_get_pages: the slices of contiguous, fully populated areas covering
   * {@code [iova, iova+length-1]}; each slice holds a new reference on its pages.
   */
  public Errno getPages(Task task, long iova, long length, List<IoptSlice> out) {
    if (decider.refuse(GET_PAGES_LENGTH, length == 0)) {
      return Errno.EINVAL;
    }
    if (decider.refuse(GET_PAGES_OVERFLOW, U64.addOverflows(iova, length - 1))) {
      return Errno.EOVERFLOW;
    }
    long last = iova + length - 1;
    long cur = iova;
    IoptArea a = firstArea(iova, iova);
    boolean done = false;
    while (a != null) {
      if (task.shouldFail("kzalloc(iopt_pages_list)")) {
        releaseSlices(out);
        return Errno.ENOMEM;
      }
      long sliceLast = U64.min(last, a.last());
      a.pages().get();
      out.add(new IoptSlice(a.pages(), a.startByteOf(cur), sliceLast - cur + 1));
      if (U64.le(last, a.last())) {
        done = true;
        break;
      }
      cur = a.last() + 1;
      IoptArea n = areaAfter(a, last);
      a = n != null && n.iova() == cur ? n : null;
    }
    if (decider.refuse(GET_PAGES_CONTIGUOUS, !done)) {
      releaseSlices(out);
      return Errno.ENOENT;
    }
    return null;
  }

  public static void releaseSlices(List<IoptSlice> slices) {
    slices.forEach(s -> s.pages().put());
    slices.clear();
  }

  // ---- unmap ----

  /** Called for areas pinned by external accesses before they can be unmapped. */
  public interface AccessNotifier {
    void notifyUnmap(long iova, long length);
  }

  /**
   * iopt_unmap_iova_range: removes every area inside {@code [start, last]}, lowest first.
   * Stops at the first error; areas removed before it stay removed. {@code unmapped[0]} gets
   * the bytes removed either way.
   */
  public Errno unmapRange(long start, long last, AccessNotifier notifier, long[] unmapped) {
    return unmapRange(start, last, notifier, unmapped, false);
  }

  private Errno unmapRange(long start, long last, AccessNotifier notifier, long[] unmapped,
      boolean all) {
    Errno rc = Errno.ENOENT;
    long bytes = 0;
    int tries = 0;
    IoptArea a;
    while ((a = firstArea(start, last)) != null) {
      if (a.numLocks > 0) {
        decider.refused(UNMAP_LOCKED);
        rc = Errno.EBUSY;
        unmapped[0] = bytes;
        return rc;
      }
      if (U64.lt(a.iova(), start) || U64.gt(a.last(), last)) {
        decider.refused(UNMAP_SPLIT);
        unmapped[0] = bytes;
        return Errno.ENOENT;
      }
      if (a.numAccesses > 0) {
        if (decider.refuse(UNMAP_ACCESS, ++tries > 100)) {
          unmapped[0] = bytes;
          return Errno.EDEADLK;
        }
        start = a.iova();
        a.preventAccess = true;
        notifier.notifyUnmap(a.iova(), a.length());
        if (decider.refuse(UNMAP_ACCESS, a.numAccesses > 0)) {
          unmapped[0] = bytes;
          return Errno.EDEADLK;
        }
        continue;
      }
      removeArea(a);
      if (!domains.isEmpty()) {
        unfill(a);
      }
      a.pages().put();
      bytes += a.length();
    }
    if (tries > 0 || bytes > 0) {
      decider.pass(UNMAP_LOCKED);
      decider.pass(UNMAP_SPLIT);
    }
    if (bytes != 0) {
      rc = null;
    }
    if (!all) {
      decider.refuse(UNMAP_NOTHING, bytes == 0);
    }
    unmapped[0] = bytes;
    return rc;
  }

  /** iopt_unmap_all: an empty IOAS succeeds. */
  public Errno unmapAll(AccessNotifier notifier, long[] unmapped) {
    Errno rc = unmapRange(0, U64.MAX, notifier, unmapped, true);
    return rc == Errno.ENOENT ? null : rc;
  }

  // ---- accesses ----

  /** One pinned piece of an access: an area and the page indices of its pages it pins. */
  public record AccessPin(IoptArea area, long firstPage, long lastPage) {}

  /**
   * iopt_access_pages / iommufd_access_pin_pages: pins {@code [iova, iova+length-1]}, which
   * must be covered by contiguous areas that are not being unmapped and start and end on page
   * boundaries; {@code lock} marks internal (HW queue) pins, which make unmap EBUSY.
   */
  public Errno accessPin(Task task, long iova, long length, boolean write, boolean lock,
      List<AccessPin> out) {
    if (decider.refuse(ViommuCheck.ACCESS_PIN_LENGTH, length == 0)) {
      return Errno.EINVAL;
    }
    if (decider.refuse(ViommuCheck.ACCESS_PIN_OVERFLOW, U64.addOverflows(iova, length - 1))) {
      return Errno.EOVERFLOW;
    }
    long last = iova + length - 1;
    long cur = iova;
    IoptArea a = firstArea(iova, iova);
    List<AccessPin> done = new ArrayList<>();
    while (a != null) {
      long pieceLast = U64.min(last, a.last());
      long sb = a.startByteOf(cur);
      long lb = a.startByteOf(pieceLast);
      if (a.preventAccess || sb % pageSize != 0 || (lb + 1) % pageSize != 0) {
        decider.refused(ViommuCheck.ACCESS_PIN_AREA);
        accessUnpin(done, lock);
        return Errno.EINVAL;
      }
      if ((a.prot() & (write ? IOMMU_WRITE : IOMMU_READ)) == 0) {
        decider.refused(ViommuCheck.ACCESS_PIN_PERM);
        accessUnpin(done, lock);
        return Errno.EPERM;
      }
      Errno e = a.pages().addUser(task, sb / pageSize, lb / pageSize);
      if (e != null) {
        accessUnpin(done, lock);
        return e;
      }
      if (lock) {
        a.numLocks++;
      } else {
        a.numAccesses++;
      }
      done.add(new AccessPin(a, sb / pageSize, lb / pageSize));
      if (U64.le(last, a.last())) {
        decider.pass(ViommuCheck.ACCESS_PIN_AREA);
        decider.pass(ViommuCheck.ACCESS_PIN_PERM);
        decider.pass(ViommuCheck.ACCESS_PIN_COVERED);
        out.addAll(done);
        return null;
      }
      cur = a.last() + 1;
      IoptArea n = areaAfter(a, last);
      a = n != null && n.iova() == cur ? n : null;
    }
    accessUnpin(done, lock);
    decider.refused(ViommuCheck.ACCESS_PIN_COVERED);
    return Errno.ENOENT;
  }

  public void accessUnpin(List<AccessPin> pins, boolean lock) {
    for (AccessPin p : pins) {
      p.area().pages().removeUser(p.firstPage(), p.lastPage());
      if (lock) {
        p.area().numLocks--;
      } else {
        p.area().numAccesses--;
      }
    }
    pins.clear();
  }

  // ---- domains ----

  public List<IommuDomain> domains() {
    return List.copyOf(domains);
  }

  /** Pins the pages under an area (iopt_area_fill_domains: one pin whatever the domain count). */
  private Errno fill(Task task, IoptArea a) {
    return a.pages().addUser(task, a.startByte() / pageSize,
        (a.startByte() + a.length() - 1) / pageSize);
  }

  private void unfill(IoptArea a) {
    a.pages().removeUser(a.startByte() / pageSize, (a.startByte() + a.length() - 1) / pageSize);
  }

  /**
   * iopt_table_add_domain: alignment checks, the aperture's exclusions reserved in the domain's
   * name, then every area filled into it. All or nothing.
   */
  public Errno addDomain(Task task, IommuDomain d) {
    long newAlign = Math.max(d.minPageSize(), iovaAlignment);
    if (decider.refuse(HwptCheck.ADD_DOMAIN_PAGE_SIZE, newAlign > pageSize, d.minPageSize())) {
      return Errno.EINVAL;
    }
    if (decider.refuse(HwptCheck.ADD_DOMAIN_ALIGNMENT,
        newAlign != iovaAlignment && !areasAligned(newAlign), newAlign)) {
      return Errno.EADDRINUSE;
    }
    Errno e = null;
    if (d.apertureStart() != 0) {
      e = reserve(task, 0, d.apertureStart() - 1, d);
    }
    if (e == null && d.apertureEnd() != U64.MAX) {
      e = reserve(task, d.apertureEnd() + 1, U64.MAX, d);
    }
    if (e == null && task.shouldFail("xa_reserve(iopt->domains)")) {
      e = Errno.ENOMEM;
    }
    if (e == null && domains.isEmpty()) {
      List<IoptArea> filled = new ArrayList<>();
      for (IoptArea a : areas.values()) {
        e = fill(task, a);
        if (e != null) {
          filled.forEach(this::unfill);
          break;
        }
        filled.add(a);
      }
    }
    if (e != null) {
      unreserve(d);
      return e;
    }
    domains.add(d);
    iovaAlignment = newAlign;
    return null;
  }

  /** iopt_table_remove_domain: unfills (unpins when it was the last), drops reservations. */
  public void removeDomain(IommuDomain d) {
    int i = domains.indexOf(d);
    if (i < 0) {
      return;
    }
    domains.remove(i);
    if (domains.isEmpty()) {
      areas.values().forEach(this::unfill);
    }
    unreserve(d);
    recalculateAlignment();
  }

  private boolean areasAligned(long align) {
    long m = align - 1;
    for (IoptArea a : areas.values()) {
      if (((a.startByte() % pageSize) & m) != 0 || (a.iova() & m) != 0 || (a.length() & m) != 0) {
        return false;
      }
    }
    return true;
  }

  // ---- allowed and reserved ----

  /**
   * iopt_set_allow_iova: swaps in the new allowed set, swapping back with EADDRINUSE if any
   * new range hits a reserved range. The ranges were validated by the caller.
   */
  public Errno setAllowed(List<long[]> ranges) {
    boolean hits = false;
    for (long[] r : ranges) {
      hits |= reserved.intersects(r[0], r[1]);
    }
    if (decider.refuse(ALLOW_IOVAS_RESERVED_RANGE, hits)) {
      return Errno.EADDRINUSE;
    }
    allowed.clear();
    for (long[] r : ranges) {
      allowed.put(r[0], r[1]);
    }
    return null;
  }

  /** iopt_reserve_iova. */
  public Errno reserve(Task task, long start, long last, Object owner) {
    if (decider.refuse(HwptCheck.RESERVE_IOVA_BUSY,
        firstArea(start, last) != null || allowedIntersects(start, last), start)) {
      return Errno.EADDRINUSE;
    }
    if (task != null && task.shouldFail("kzalloc(iopt_reserved)")) {
      return Errno.ENOMEM;
    }
    reserved.add(start, last, 1);
    reservedByOwner.computeIfAbsent(owner, k -> new ArrayList<>()).add(new long[] {start, last});
    return null;
  }

  /** iopt_remove_reserved_iova: drops every range {@code owner} reserved. */
  public void unreserve(Object owner) {
    List<long[]> mine = reservedByOwner.remove(owner);
    if (mine != null) {
      mine.forEach(r -> reserved.add(r[0], r[1], -1));
    }
  }

  /** Ranges reserved by owner, in reservation order (for invariants and explanations). */
  public Map<Object, List<long[]>> reservations() {
    return java.util.Collections.unmodifiableMap(reservedByOwner);
  }

  /** The holes of the reserved set over [0, 2^64-1], ascending (IOAS_IOVA_RANGES). */
  public List<long[]> usableRanges() {
    List<long[]> out = new ArrayList<>();
    long cursor = 0;
    while (true) {
      long[] r = reserved.coveredFrom(cursor);
      if (r == null) {
        out.add(new long[] {cursor, U64.MAX});
        return out;
      }
      if (U64.lt(cursor, r[0])) {
        out.add(new long[] {cursor, r[0] - 1});
      }
      if (r[1] == U64.MAX) {
        return out;
      }
      cursor = r[1] + 1;
    }
  }

  // ---- alignment ----

  /** Adds an access's alignment (not a domain's: domains go through addDomain). */
  public Errno addAlignmentSource(AlignmentSource s) {
    alignmentSources.add(s);
    Errno e = recalculateAlignment();
    if (e != null) {
      alignmentSources.remove(s);
    }
    return e;
  }

  public void removeAlignmentSource(AlignmentSource s) {
    alignmentSources.remove(s);
    recalculateAlignment();
  }

  /** iopt_calculate_iova_alignment: raising it is refused if an area would break it. */
  private Errno recalculateAlignment() {
    long align = 1;
    if (disableLargePages) {
      align = pageSize;
    }
    for (AlignmentSource s : alignmentSources) {
      align = Math.max(align, s.iovaAlignment());
    }
    for (IommuDomain d : domains) {
      align = Math.max(align, d.minPageSize());
    }
    if (decider.refuse(ALIGNMENT_AREAS, align > iovaAlignment && !areasAligned(align), align)) {
      return Errno.EADDRINUSE;
    }
    iovaAlignment = align;
    return null;
  }

  /** iopt_disable_large_pages; {@code hasDomains} is whether any domain is attached. */
  public Errno disableLargePages(boolean hasDomains) {
    if (disableLargePages) {
      return null;
    }
    if (decider.refuse(DISABLE_LARGE_DOMAINS, hasDomains && !areas.isEmpty())) {
      return Errno.EINVAL;
    }
    disableLargePages = true;
    Errno e = recalculateAlignment();
    if (e != null) {
      disableLargePages = false;
    }
    return e;
  }

  /** iopt_enable_large_pages. */
  public void enableLargePages() {
    disableLargePages = false;
    recalculateAlignment();
  }
}
