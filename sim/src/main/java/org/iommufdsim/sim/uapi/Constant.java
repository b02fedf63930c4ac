package org.iommufdsim.sim.uapi;

/**
 * A named uAPI constant. {@code group} names the C enum or flag family it belongs to (for
 * example {@code iommufd_ioas_map_flags}), so a value can be printed back symbolically.
 */
public record Constant(String name, long value, String group, boolean flag) {}
