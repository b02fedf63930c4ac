package org.iommufdsim.backend;

/** Port of {@code HostIOMMUDevicePasidInfo}: the PASID capability a vIOMMU may expose. */
public final class HostIOMMUDevicePasidInfo {
  public boolean execPerm;
  public boolean privMod;
  /** A {@code uint8_t}. */
  public int maxPasidLog2;
}
