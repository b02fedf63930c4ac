package org.iommufdsim.sim.kernel.iopt;

import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.mm.MemObject;

/**
 * The backing of one or more areas (the kernel's {@code struct iopt_pages}): a page-aligned
 * run of user virtual addresses of a process, or of a file. Shared, reference counted, between
 * an area and the areas COPY made from it. Nothing is pinned while no domain or access needs it.
 */
public final class IoptPages {
  /** Mirrors io_pagetable.h: enum iopt_address_type. */
  public enum Kind {
    USER,
    FILE
  }

  private final Kind kind;
  private final Task owner;
  private final MemObject file;
  /** For USER: the page-aligned user VA of byte 0. For FILE: the page-aligned file offset. */
  private final long base;
  private final long npages;
  private final boolean writable;
  private int refs = 1;

  private IoptPages(Kind kind, Task owner, MemObject file, long base, long npages, boolean writable) {
    this.kind = kind;
    this.owner = owner;
    this.file = file;
    this.base = base;
    this.npages = npages;
    this.writable = writable;
  }

  public static IoptPages user(Task owner, long uptrDown, long npages, boolean writable) {
    return new IoptPages(Kind.USER, owner, null, uptrDown, npages, writable);
  }

  public static IoptPages file(MemObject file, long startDown, long npages, boolean writable) {
    return new IoptPages(Kind.FILE, null, file, startDown, npages, writable);
  }

  public Kind kind() {
    return kind;
  }

  /** The process whose address space backs USER pages. */
  public Task owner() {
    return owner;
  }

  public MemObject fileObject() {
    return file;
  }

  /** pages->uptr (USER) or pages->start (FILE). */
  public long base() {
    return base;
  }

  public long npages() {
    return npages;
  }

  public boolean writable() {
    return writable;
  }

  public void get() {
    refs++;
  }

  public void put() {
    refs--;
  }

  public int refs() {
    return refs;
  }
}
