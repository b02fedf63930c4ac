package org.iommufdsim.sim.kernel.drivers;

import java.util.Map;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.kernel.iommu.IommuDevice;
import org.iommufdsim.sim.kernel.iommu.IommuDriver;
import org.iommufdsim.sim.kernel.iommu.IommuGroup;

/**
 * Builds the devices of the hardware drivers ({@code intel_vtd}, {@code arm_smmuv3}) from
 * {@code @device} specs: the first device naming an IOMMU instance creates it from its
 * options, later ones join it and must give the same instance-level options.
 */
public final class HardwareDrivers {
  private HardwareDrivers() {}

  /** A built device, or why the spec cannot be built. */
  public record Made(IommuDevice device, String error) {
    static Made fail(DeviceSpec s, String why) {
      return new Made(null, "device " + s.name() + ": " + why);
    }
  }

  public static boolean handles(String driver) {
    return driver.equals(IntelVtd.DRIVER) || driver.equals(ArmSmmuV3.DRIVER);
  }

  /**
   * The device of {@code spec}, behind the instance {@code instance} (created in
   * {@code instances} when new), in {@code group}, with the common option {@code pasidBits}
   * already read. {@code pageSize} is the host's PAGE_SIZE.
   */
  public static Made make(DeviceSpec spec, String instance, int pasidBits,
      Map<String, IommuDriver> instances, IommuGroup group, long pageSize) {
    try {
      return switch (spec.driver()) {
        case IntelVtd.DRIVER -> intel(spec, instance, pasidBits, instances, group);
        case ArmSmmuV3.DRIVER -> smmu(spec, instance, pasidBits, instances, group, pageSize);
        default -> Made.fail(spec, "driver " + spec.driver() + " is not a hardware driver");
      };
    } catch (IllegalArgumentException e) {
      return Made.fail(spec, e.getMessage());
    }
  }

  private static Made intel(DeviceSpec s, String inst, int pasidBits,
      Map<String, IommuDriver> instances, IommuGroup group) {
    IntelVtd.Config cfg = IntelVtd.Config.parse(s.options());
    IommuDriver have = instances.get(inst);
    if (have == null) {
      have = new IntelVtd(inst, cfg);
      instances.put(inst, have);
    }
    if (!(have instanceof IntelVtd unit)) {
      return Made.fail(s, "IOMMU " + inst + " is a " + have.name() + " instance");
    }
    if (!unit.config().equals(cfg)) {
      return Made.fail(s, "its options give IOMMU " + inst + " " + cfg + ", but it already is "
          + unit.config() + " (devices sharing a VT-d unit share its capabilities)");
    }
    return new Made(unit.newDevice(s.name(), group, pasidBits), null);
  }

  private static Made smmu(DeviceSpec s, String inst, int pasidBits,
      Map<String, IommuDriver> instances, IommuGroup group, long pageSize) {
    ArmSmmuV3.Config cfg = ArmSmmuV3.Config.parse(s.options());
    long sid = ArmSmmuV3.Config.sid(s.options());
    IommuDriver have = instances.get(inst);
    if (have == null) {
      have = new ArmSmmuV3(inst, cfg, pageSize);
      instances.put(inst, have);
    }
    if (!(have instanceof ArmSmmuV3 smmu)) {
      return Made.fail(s, "IOMMU " + inst + " is a " + have.name() + " instance");
    }
    if (!smmu.config().equals(cfg)) {
      return Made.fail(s, "its options give IOMMU " + inst + " " + cfg + ", but it already is "
          + smmu.config() + " (devices sharing an SMMU share its capabilities)");
    }
    return new Made(smmu.newDevice(s.name(), group, pasidBits, sid), null);
  }
}
