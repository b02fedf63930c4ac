package org.iommufdsim.sim.uapi;

/**
 * An ioctl of the uAPI: its macro name, its full request number as user space passes it, and
 * the struct it takes. For iommufd ioctls {@code struct.minSize()} is the dispatcher's
 * {@code min_size}.
 */
public record IoctlDef(String name, long request, CStruct struct) {
  /** {@code _IOC_NR(request)}. */
  public int nr() {
    return (int) (request & 0xff);
  }
}
