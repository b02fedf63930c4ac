# Sourced by the project's scripts: finds a JDK 25 and exports JAVA_HOME.
# JAVA_HOME is tried first, then the JDKs installed in /usr/lib/jvm.
iommufd_sim_java_major() {
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  echo "${v%%.*}"
}

iommufd_sim_find_jdk() {
  local candidates=() c tried=""
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/*; do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    local major
    major=$(iommufd_sim_java_major "$c")
    tried="$tried $c(java $major)"
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$c"
      return 0
    fi
  done
  {
    echo "iommufd-sim: no JDK 25 found."
    echo "  It needs a JDK 25 or newer (java and javac). Looked at JAVA_HOME and /usr/lib/jvm/*;"
    echo "  found:${tried:- nothing}"
    echo "  Install one (for example Debian/Temurin 'temurin-25-jdk') or set JAVA_HOME to it."
  } >&2
  return 1
}

iommufd_sim_find_mvn() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "iommufd-sim: Apache Maven (mvn) is not on PATH; install it (Debian package 'maven')." >&2
    return 1
  fi
}
