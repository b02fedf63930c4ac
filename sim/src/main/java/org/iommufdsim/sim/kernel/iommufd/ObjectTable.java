package org.iommufdsim.sim.kernel.iommufd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The object xarray of one iommufd context ({@code ictx->objects}, XA_FLAGS_ALLOC1 with
 * xa_limit_31b): IDs from 1, the lowest free ID is always the next one, a reserved ID holds a
 * zero entry until the object is finalised, and a tombstone keeps its ID forever. Iteration is
 * in ascending ID order.
 *
 * <p>Since IDs are always the lowest free ones, they stay dense: the slots are an array indexed
 * by ID (as long as the highest ID ever live), so a lookup is O(1), like the xarray's. (The
 * array's own limit, a little under 2^31 entries, is reached long before memory would allow
 * that many objects, so the -1 of a full 31-bit space is kept for the record only.) The free
 * IDs below the allocation mark are an ordered set (O(log n)); freeing the highest ID lowers the
 * mark instead, so a create-destroy pair at the top touches no set at all.
 */
public final class ObjectTable {
  /** The highest ID xa_limit_31b allows. */
  public static final int ID_LIMIT = Integer.MAX_VALUE;

  /** A zero entry: reserved for an object being built. */
  private static final Object RESERVED = new Object();
  /** A zero entry that stays: the ID is never handed out again. */
  private static final Object TOMBSTONE = new Object();

  /** Slot {@code id}: null (free), {@link #RESERVED}, {@link #TOMBSTONE} or the object. */
  private Object[] slots = new Object[16];
  private int occupied;
  /** Free IDs below {@link #nextFresh}. */
  private final TreeSet<Integer> freed = new TreeSet<>();
  private int nextFresh = 1;

  /** xa_alloc of a zero entry: the lowest free ID, or -1 when the 31-bit space is full. */
  public int reserve() {
    int id;
    if (!freed.isEmpty()) {
      id = freed.pollFirst();
    } else if (nextFresh <= ID_LIMIT && nextFresh > 0) {
      id = nextFresh++;
    } else {
      return -1;
    }
    if (id >= slots.length) {
      slots = Arrays.copyOf(slots, (int) Math.min(Integer.MAX_VALUE - 8,
          Math.max((long) id + 1, 2L * slots.length)));
    }
    slots[id] = RESERVED;
    occupied++;
    return id;
  }

  /** iommufd_object_finalize: publishes the object at its reserved ID. */
  public void publish(IommufdObject obj) {
    slots[obj.id()] = obj;
  }

  /** Frees an ID (abort, destroy): it becomes the lowest candidate again. */
  public void release(int id) {
    if (!inRange(id) || slots[id] == null || slots[id] == TOMBSTONE) {
      return;  // a tombstone's ID is never handed out again
    }
    slots[id] = null;
    occupied--;
    if (id == nextFresh - 1) {
      nextFresh = id;
      while (!freed.isEmpty() && freed.last() == nextFresh - 1) {
        nextFresh = freed.pollLast();
      }
    } else {
      freed.add(id);
    }
  }

  /** Turns a live slot into a tombstone: the ID is never handed out again. */
  public void tombstone(int id) {
    if (inRange(id) && slots[id] != null) {
      slots[id] = TOMBSTONE;
    }
  }

  private boolean inRange(int id) {
    return id > 0 && id < slots.length;
  }

  /**
   * iommufd_get_object without the reference: the object, if the slot holds a live object of
   * the type ({@link ObjType#ANY} matches all) whose users count is not zero; else null.
   */
  public IommufdObject get(int id, ObjType type) {
    if (!inRange(id) || !(slots[id] instanceof IommufdObject obj)) {
      return null;
    }
    if (type != ObjType.ANY && obj.type() != type) {
      return null;
    }
    return obj.users() == 0 ? null : obj;
  }

  /** True if the slot holds anything at all (live, reserved or tombstone): xa_load != NULL. */
  public boolean occupied(int id) {
    return inRange(id) && slots[id] != null;
  }

  public boolean isTombstone(int id) {
    return inRange(id) && slots[id] == TOMBSTONE;
  }

  /** xa_empty. */
  public boolean isEmpty() {
    return occupied == 0;
  }

  /** Live objects in ascending ID order (xa_for_each skips zero entries). */
  public List<IommufdObject> live() {
    List<IommufdObject> out = new ArrayList<>();
    for (int id = 1; id < nextFresh; id++) {
      if (slots[id] instanceof IommufdObject obj) {
        out.add(obj);
      }
    }
    return out;
  }

  /** Every occupied ID with what it holds, for invariants and explanations. */
  public Map<Integer, String> describe() {
    Map<Integer, String> out = new TreeMap<>();
    for (int id = 1; id < nextFresh; id++) {
      Object s = slots[id];
      if (s != null) {
        out.put(id, s == TOMBSTONE ? "tombstone" : s == RESERVED ? "reserved"
            : ((IommufdObject) s).type().name());
      }
    }
    return out;
  }

  /** Checks the allocator's own invariant: the free set is exactly the holes below nextFresh. */
  public List<String> checkAllocator() {
    List<String> errs = new ArrayList<>();
    for (int f : freed) {
      if (occupied(f)) {
        errs.add("ID " + f + " is both free and occupied");
      }
      if (f >= nextFresh) {
        errs.add("free ID " + f + " is not below the allocation mark " + nextFresh);
      }
    }
    int below = 0;
    for (int id = 1; id < slots.length; id++) {
      if (slots[id] != null) {
        if (id >= nextFresh) {
          errs.add("ID " + id + " is occupied at or above the allocation mark " + nextFresh);
        } else {
          below++;
        }
      }
    }
    if (below != occupied) {
      errs.add("the table counts " + occupied + " occupied IDs but holds " + below);
    }
    long holes = (long) nextFresh - 1 - below;
    if (holes != freed.size()) {
      errs.add("free-ID set has " + freed.size() + " entries but " + holes + " IDs are unused");
    }
    if (nextFresh > 1 && slots[nextFresh - 1] == null) {
      errs.add("the allocation mark " + nextFresh + " is above a free ID");
    }
    return errs;
  }
}
