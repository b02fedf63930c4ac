package org.iommufdsim.sim.kernel.iommufd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The object xarray of one iommufd context ({@code ictx->objects}, XA_FLAGS_ALLOC1 with
 * xa_limit_31b): IDs from 1, the lowest free ID is always the next one, a reserved ID holds a
 * zero entry until the object is finalised, and a tombstone keeps its ID forever. Iteration is
 * in ascending ID order. Allocation and lookup are O(log n).
 */
public final class ObjectTable {
  /** The highest ID xa_limit_31b allows. */
  public static final int ID_LIMIT = Integer.MAX_VALUE;

  /** What a slot holds: a published object, or a zero entry (reserved or tombstone). */
  private sealed interface Slot permits Live, Zero {}

  private record Live(IommufdObject obj) implements Slot {}

  private record Zero(boolean tombstone) implements Slot {}

  private final TreeMap<Integer, Slot> slots = new TreeMap<>();
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
    slots.put(id, new Zero(false));
    return id;
  }

  /** iommufd_object_finalize: publishes the object at its reserved ID. */
  public void publish(IommufdObject obj) {
    slots.put(obj.id(), new Live(obj));
  }

  /** Frees an ID (abort, destroy): it becomes the lowest candidate again. */
  public void release(int id) {
    if (slots.remove(id) != null) {
      freed.add(id);
    }
  }

  /** Turns a live slot into a tombstone: the ID is never handed out again. */
  public void tombstone(int id) {
    slots.put(id, new Zero(true));
  }

  /**
   * iommufd_get_object without the reference: the object, if the slot holds a live object of
   * the type ({@link ObjType#ANY} matches all) whose users count is not zero; else null.
   */
  public IommufdObject get(int id, ObjType type) {
    if (!(slots.get(id) instanceof Live(IommufdObject obj))) {
      return null;
    }
    if (type != ObjType.ANY && obj.type() != type) {
      return null;
    }
    return obj.users() == 0 ? null : obj;
  }

  /** True if the slot holds anything at all (live, reserved or tombstone): xa_load != NULL. */
  public boolean occupied(int id) {
    return slots.containsKey(id);
  }

  public boolean isTombstone(int id) {
    return slots.get(id) instanceof Zero(boolean t) && t;
  }

  /** xa_empty. */
  public boolean isEmpty() {
    return slots.isEmpty();
  }

  /** Live objects in ascending ID order (xa_for_each skips zero entries). */
  public List<IommufdObject> live() {
    List<IommufdObject> out = new ArrayList<>();
    for (Slot s : slots.values()) {
      if (s instanceof Live(IommufdObject obj)) {
        out.add(obj);
      }
    }
    return out;
  }

  /** Every occupied ID with what it holds, for invariants and explanations. */
  public Map<Integer, String> describe() {
    Map<Integer, String> out = new TreeMap<>();
    slots.forEach((id, s) -> out.put(id, switch (s) {
      case Live(IommufdObject obj) -> obj.type().name();
      case Zero(boolean t) -> t ? "tombstone" : "reserved";
    }));
    return out;
  }

  /** Checks the allocator's own invariant: the free set is exactly the holes below nextFresh. */
  public List<String> checkAllocator() {
    List<String> errs = new ArrayList<>();
    for (int f : freed) {
      if (slots.containsKey(f)) {
        errs.add("ID " + f + " is both free and occupied");
      }
      if (f >= nextFresh) {
        errs.add("free ID " + f + " is not below the allocation mark " + nextFresh);
      }
    }
    long holes = (long) nextFresh - 1 - slots.headMap(nextFresh).size();
    if (holes != freed.size()) {
      errs.add("free-ID set has " + freed.size() + " entries but " + holes + " IDs are unused");
    }
    return errs;
  }
}
