package org.iommufdsim.sim.uapi;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole uAPI the simulator speaks, looked up by name: every header's constants, structs,
 * ioctls and {@code IOMMU_TEST_CMD} ops. Used by the scenario language, the tracer and the
 * recorder to go between names and numbers.
 */
public final class Uapi {
  private static final List<UapiRegistry> HEADERS =
      List.of(IommufdUapi.REG, LinuxUapi.REG /* TODO(uapi helper): IommufdTestUapi.REG, VfioUapi.REG */);

  private static final ImmutableList<Constant> CONSTANTS;
  private static final ImmutableMap<String, Constant> CONSTANT_BY_NAME;
  private static final ImmutableMap<String, CStruct> STRUCT_BY_NAME;
  private static final ImmutableMap<String, IoctlDef> IOCTL_BY_NAME;
  private static final ImmutableMap<String, TestOp> TEST_OP_BY_NAME;

  static {
    ImmutableList.Builder<Constant> cs = ImmutableList.builder();
    Map<String, Constant> cByName = new LinkedHashMap<>();
    Map<String, CStruct> sByName = new LinkedHashMap<>();
    Map<String, IoctlDef> iByName = new LinkedHashMap<>();
    Map<String, TestOp> tByName = new LinkedHashMap<>();
    for (UapiRegistry r : HEADERS) {
      for (Constant c : r.constants()) {
        cs.add(c);
        cByName.putIfAbsent(c.name(), c);
      }
      r.structs().forEach(s -> sByName.put(s.name(), s));
      r.ioctls().forEach(i -> iByName.put(i.name(), i));
      r.testOps().forEach(t -> tByName.put(t.name(), t));
    }
    CONSTANTS = cs.build();
    CONSTANT_BY_NAME = ImmutableMap.copyOf(cByName);
    STRUCT_BY_NAME = ImmutableMap.copyOf(sByName);
    IOCTL_BY_NAME = ImmutableMap.copyOf(iByName);
    TEST_OP_BY_NAME = ImmutableMap.copyOf(tByName);
  }

  private Uapi() {}

  public static List<Constant> constants() {
    return CONSTANTS;
  }

  public static Optional<Constant> constant(String name) {
    return Optional.ofNullable(CONSTANT_BY_NAME.get(name));
  }

  public static Optional<CStruct> struct(String name) {
    return Optional.ofNullable(STRUCT_BY_NAME.get(name));
  }

  public static List<CStruct> structs() {
    return List.copyOf(STRUCT_BY_NAME.values());
  }

  public static Optional<IoctlDef> ioctl(String name) {
    return Optional.ofNullable(IOCTL_BY_NAME.get(name));
  }

  public static List<IoctlDef> ioctls() {
    return List.copyOf(IOCTL_BY_NAME.values());
  }

  /** The ioctl whose request number is exactly {@code request}. */
  public static Optional<IoctlDef> ioctlByRequest(long request) {
    for (IoctlDef d : IOCTL_BY_NAME.values()) {
      if (d.request() == request) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  public static Optional<TestOp> testOp(String name) {
    return Optional.ofNullable(TEST_OP_BY_NAME.get(name));
  }

  public static Optional<TestOp> testOpByNumber(long op) {
    for (TestOp t : TEST_OP_BY_NAME.values()) {
      if (t.op() == op) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Constants of one group, in declaration order. */
  public static List<Constant> group(String group) {
    return CONSTANTS.stream().filter(c -> c.group().equals(group)).toList();
  }
}
