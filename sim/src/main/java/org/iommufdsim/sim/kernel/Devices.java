package org.iommufdsim.sim.kernel;

import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The devices of the host, as {@code /dev/vfio/devices/NAME} cdevs. Binding and attaching come
 * with the device model; until then opening one answers ENODEV ("no such device") rather than
 * handing out a file that cannot do anything.
 */
public final class Devices {
  public static final String CDEV_DIR = "/dev/vfio/devices/";
  private final Kernel kernel;

  Devices(Kernel kernel) {
    this.kernel = kernel;
  }

  /** The open of a device path, or null if the path is not a device cdev. */
  public SysResult open(Task task, String path) {
    if (!path.startsWith(CDEV_DIR)) {
      return null;
    }
    String name = path.substring(CDEV_DIR.length());
    for (DeviceSpec d : kernel.config().devices()) {
      if (d.name().equals(name)) {
        return SysResult.err(Errno.ENODEV, "device " + name + " (" + d.driver()
            + "): VFIO device cdevs are not modelled yet");
      }
    }
    return SysResult.err(Errno.ENOENT, "no such device: " + path);
  }
}
