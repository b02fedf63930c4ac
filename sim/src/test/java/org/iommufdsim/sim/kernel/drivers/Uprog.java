package org.iommufdsim.sim.kernel.drivers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Kernel;
import org.iommufdsim.sim.kernel.Syscall;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommufd.Device;
import org.iommufdsim.sim.kernel.iommufd.IommufdFile;
import org.iommufdsim.sim.kernel.iommufd.ObjType;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * A small user program on a kernel built from device specs: lays structs out in its memory and
 * makes system calls, as a VMM would. It also reaches the kernel's device objects, so a test
 * can make the modelled hardware act (raise an event).
 */
final class Uprog {
  final Kernel kernel;
  final Task task;
  final Syscall sys;
  final int iommufd;
  private final long scratch;
  private long next;

  Uprog(DeviceSpec... devices) {
    kernel = new Kernel(HostConfig.defaults().withDevices(List.of(devices)));
    assertThat(kernel.deviceError()).isNull();
    task = kernel.spawn();
    sys = new Syscall(kernel, task);
    iommufd = (int) sys.open("/dev/iommu").value();
    scratch = sys.mmap(0, 1 << 20, 3, 0x21, -1, 0).value();
    next = scratch;
  }

  static DeviceSpec spec(String name, String driver, String... kv) {
    java.util.TreeMap<String, String> o = new java.util.TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      o.put(kv[i], kv[i + 1]);
    }
    return DeviceSpec.of(name, driver, o);
  }

  long put(byte[] b) {
    long a = (next + 15) & -16L;
    next = a + b.length + 64;
    task.mm().copyTo(a, b);
    return a;
  }

  /** The result of an ioctl and the struct as the kernel left it. */
  record Call(SysResult result, CStruct struct, byte[] after) {
    long out(String field) {
      return struct.field(field).get(after);
    }

    boolean ok() {
      return result.isOk();
    }
  }

  Call ioctl(int fd, String name, Map<String, Long> fields) {
    IoctlDef d = Uapi.ioctl(name).orElseThrow();
    byte[] b = d.struct().newBuffer();
    d.struct().fields().get(0).set(b, d.struct().size());
    fields.forEach((k, v) -> d.struct().field(k).set(b, v));
    long addr = put(b);
    SysResult r = sys.ioctl(fd, d.request(), addr);
    return new Call(r, d.struct(), task.mm().copyFrom(addr, d.struct().size()));
  }

  Call ioctl(String name, Map<String, Long> fields) {
    return ioctl(iommufd, name, fields);
  }

  /** Opens /dev/vfio/devices/NAME and binds it; returns {fd, devid}. */
  int[] bind(String name) {
    int fd = (int) sys.open("/dev/vfio/devices/" + name).value();
    Call b = ioctl(fd, "VFIO_DEVICE_BIND_IOMMUFD", Map.of("iommufd", (long) iommufd));
    assertThat(b.ok()).as(b.result().toString()).isTrue();
    return new int[] {fd, (int) b.out("out_devid")};
  }

  IommuDevice device(int devid) {
    IommufdFile ictx = (IommufdFile) task.file(iommufd);
    return ((Device) ictx.get(devid, ObjType.DEVICE)).dev();
  }

  long ok(Call c, String out) {
    assertThat(c.ok()).as(c.result().toString()).isTrue();
    return c.out(out);
  }
}
