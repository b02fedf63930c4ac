package org.iommufdsim.sim.kernel.decide;

import static org.iommufdsim.sim.uapi.Errno.*;

import org.iommufdsim.sim.uapi.Errno;

/** placeholder */
public enum DeviceCheck implements Check {
  ;

  private final String function;
  private final String subject;
  private final Errno errno;
  private final String explanation;

  DeviceCheck(String function, String subject, Errno errno, String explanation) {
    this.function = function;
    this.subject = subject;
    this.errno = errno;
    this.explanation = explanation;
  }

  @Override
  public String id() {
    return name();
  }

  @Override
  public String function() {
    return function;
  }

  @Override
  public String subject() {
    return subject;
  }

  @Override
  public Errno errno() {
    return errno;
  }

  @Override
  public String explanation() {
    return explanation;
  }
}
