package org.iommufdsim.sim.kernel;

import java.util.LinkedHashMap;
import java.util.Map;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.drivers.MockIommu;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDriver;
import org.iommufdsim.sim.kernel.iommu.IommuGroup;
import org.iommufdsim.sim.kernel.iommufd.VfioDeviceFile;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdTestUapi;

/**
 * The devices of the host, as {@code /dev/vfio/devices/NAME} cdevs, built from the host
 * configuration: each behind the IOMMU driver instance its spec names (devices naming the same
 * {@code iommu=} share one instance), in its own IOMMU group unless devices name the same
 * {@code group=}.
 */
public final class Devices {
  public static final String CDEV_DIR = "/dev/vfio/devices/";
  private final Kernel kernel;
  private final Map<String, IommuDevice> byName = new LinkedHashMap<>();
  private final Map<String, IommuDriver> instances = new LinkedHashMap<>();
  /** The groups devices name with {@code group=}, and the IOMMU instance each sits behind. */
  private final Map<String, IommuGroup> groups = new LinkedHashMap<>();
  private final Map<String, String> groupIommu = new LinkedHashMap<>();

  Devices(Kernel kernel) {
    this.kernel = kernel;
  }

  /** Creates the configured devices; returns an error text for an unusable spec, else null. */
  String build() {
    for (DeviceSpec s : kernel.config().devices()) {
      String err = create(s);
      if (err != null) {
        return err;
      }
    }
    return null;
  }

  private String create(DeviceSpec s) {
    Map<String, String> o = s.options();
    int pasidBits;
    try {
      pasidBits = Integer.parseInt(o.getOrDefault("pasid_bits", "0"));
    } catch (NumberFormatException e) {
      return "device " + s.name() + ": pasid_bits must be a number";
    }
    if (pasidBits < 0 || pasidBits > 20) {
      return "device " + s.name() + ": pasid_bits must be 0..20";
    }
    boolean dirty = !"off".equals(o.getOrDefault("dirty", "on"));
    boolean pri = !"off".equals(o.getOrDefault("pri", "on"));
    String inst = o.getOrDefault("iommu", s.driver());
    String groupName = o.get("group");
    IommuGroup group;
    if (groupName == null) {
      group = kernel.newGroup();
    } else {
      // A group is what one IOMMU cannot tell apart (devices behind a PCIe-to-PCI bridge,
      // functions without ACS): its devices sit behind the same IOMMU instance.
      String at = s.driver() + " " + inst;
      String have = groupIommu.putIfAbsent(groupName, at);
      if (have != null && !have.equals(at)) {
        return "device " + s.name() + ": group " + groupName + " is behind IOMMU " + have
            + ", not " + at + " (the devices of one IOMMU group share their IOMMU)";
      }
      group = groups.computeIfAbsent(groupName, k -> kernel.newGroup());
    }
    IommuDriver drv;
    switch (s.driver()) {
      case "mock" -> {
        drv = instances.computeIfAbsent(inst, k -> k.equals("mock") ? kernel.mock()
            : kernel.newMockInstance(k));
        long flags = (dirty ? 0 : IommufdTestUapi.MOCK_FLAGS_DEVICE_NO_DIRTY)
            | (pasidBits > 0 ? IommufdTestUapi.MOCK_FLAGS_DEVICE_PASID : 0);
        byName.put(s.name(), new IommuDevice(s.name(), drv, group, pasidBits, dirty,
            pri, MockIommu.newDevState(flags)));
      }
      case "intel_vtd", "arm_smmuv3" -> {
        org.iommufdsim.sim.kernel.drivers.HardwareDrivers.Made made =
            org.iommufdsim.sim.kernel.drivers.HardwareDrivers.make(s, inst, pasidBits, instances,
                group, kernel.pageSize());
        if (made.error() != null) {
          return made.error();
        }
        made.device().driver().setDecider(kernel.decider());
        byName.put(s.name(), made.device());
      }
      default -> {
        return "driver " + s.driver() + " is not modelled yet";
      }
    }
    String vf = o.getOrDefault("vf", "off");
    if (!vf.equals("on") && !vf.equals("off")) {
      return "device " + s.name() + ": vf takes on or off";
    }
    byName.get(s.name()).setVirtfn(vf.equals("on"));
    return null;
  }

  /** The open of a device path, or null if the path is not a device cdev. */
  public SysResult open(Task task, String path) {
    if (!path.startsWith(CDEV_DIR)) {
      return null;
    }
    IommuDevice dev = byName.get(path.substring(CDEV_DIR.length()));
    if (task.kernel().decider().refuse(
        org.iommufdsim.sim.kernel.decide.SysCheck.OPEN_PATH, dev == null)) {
      return SysResult.err(Errno.ENOENT, "no such device: " + path);
    }
    if (task.shouldFail("kzalloc(vfio_device_file)")) {
      return SysResult.err(Errno.ENOMEM, "vfio_allocate_device_file failed");
    }
    int fd = task.reserveFd();
    if (task.kernel().decider().refuse(
        org.iommufdsim.sim.kernel.decide.SysCheck.OPEN_FD, fd < 0)) {
      return SysResult.err(Errno.EMFILE, "too many open files");
    }
    task.installFd(fd, new VfioDeviceFile(dev));
    return SysResult.ok(fd);
  }
}
