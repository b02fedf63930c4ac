package org.iommufdsim.sim.uapi;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the definitions of one uAPI header as its class initialises, in declaration order
 * (so every listing is deterministic). Each header class owns one instance and declares its
 * constants, structs and ioctls through it.
 */
public final class UapiRegistry {
  private final String header;
  private final List<Constant> constants = new ArrayList<>();
  private final List<CStruct> structs = new ArrayList<>();
  private final List<IoctlDef> ioctls = new ArrayList<>();
  private final List<TestOp> testOps = new ArrayList<>();

  public UapiRegistry(String header) {
    this.header = header;
  }

  public String header() {
    return header;
  }

  /** Declares a plain (enum or numeric) constant and returns its value. */
  public long c(String group, String name, long value) {
    constants.add(new Constant(name, value, group, false));
    return value;
  }

  /** Declares one bit of a flag family and returns its value. */
  public long flag(String group, String name, long value) {
    constants.add(new Constant(name, value, group, true));
    return value;
  }

  public CStruct struct(CStruct s) {
    structs.add(s);
    return s;
  }

  public IoctlDef ioctl(String name, long request, CStruct struct) {
    IoctlDef d = new IoctlDef(name, request, struct);
    ioctls.add(d);
    return d;
  }

  public TestOp testOp(TestOp op) {
    testOps.add(op);
    constants.add(new Constant(op.name(), op.op(), "iommufd_test_op", false));
    return op;
  }

  public List<Constant> constants() {
    return List.copyOf(constants);
  }

  public List<CStruct> structs() {
    return List.copyOf(structs);
  }

  public List<IoctlDef> ioctls() {
    return List.copyOf(ioctls);
  }

  public List<TestOp> testOps() {
    return List.copyOf(testOps);
  }

  /** {@code _IO(type, nr)}: no direction, no size. */
  public static long io(int type, int nr) {
    return ((long) type << 8) | nr;
  }
}
