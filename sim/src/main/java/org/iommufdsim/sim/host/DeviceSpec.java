package org.iommufdsim.sim.host;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;

/**
 * A device on the simulated host, opened as {@code /dev/vfio/devices/NAME}: which IOMMU driver
 * it sits behind and that driver's per-device options (the {@code @device} directive).
 */
public record DeviceSpec(String name, String driver, ImmutableSortedMap<String, String> options) {
  public DeviceSpec {
    checkArgument(name.matches("[A-Za-z0-9_.:-]+"), "bad device name %s", name);
  }

  public static DeviceSpec of(String name, String driver, Map<String, String> options) {
    return new DeviceSpec(name, driver, ImmutableSortedMap.copyOf(options));
  }
}
