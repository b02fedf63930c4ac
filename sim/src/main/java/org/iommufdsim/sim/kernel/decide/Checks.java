package org.iommufdsim.sim.kernel.decide;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The whole catalogue of checks, in a fixed order: family by family, each in kernel order. */
public final class Checks {
  private static final List<Check> ALL;
  private static final Map<String, Check> BY_ID;

  static {
    List<Check> all = new ArrayList<>();
    all.addAll(List.of(SysCheck.values()));
    all.addAll(List.of(IoasCheck.values()));
    all.addAll(List.of(HwptCheck.values()));
    all.addAll(List.of(DeviceCheck.values()));
    all.addAll(List.of(VfioCheck.values()));
    all.addAll(List.of(ViommuCheck.values()));
    all.addAll(List.of(EventqCheck.values()));
    all.addAll(List.of(TestCheck.values()));
    all.addAll(List.of(MockCheck.values()));
    all.addAll(List.of(VtdCheck.values()));
    all.addAll(List.of(SmmuCheck.values()));
    Map<String, Check> byId = new TreeMap<>();
    for (Check c : all) {
      if (byId.put(c.id(), c) != null) {
        throw new IllegalStateException("two checks are named " + c.id());
      }
    }
    ALL = Collections.unmodifiableList(all);
    BY_ID = Collections.unmodifiableMap(byId);
  }

  private Checks() {}

  public static List<Check> all() {
    return ALL;
  }

  /** The check with this id, or null. */
  public static Check byId(String id) {
    return BY_ID.get(id);
  }
}
