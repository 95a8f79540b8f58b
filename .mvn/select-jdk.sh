# Sourced by ./mvnw and ./kubechores: makes JAVA_HOME point at a JDK 25 or newer.
# Keeps JAVA_HOME when it already is one; otherwise looks in the usual places; otherwise explains what to install.
kc_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1; }
kc_select_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(kc_java_major "$JAVA_HOME"); if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then return 0; fi
  fi
  kc_noglob=; case $- in *f*) kc_noglob=1; set +f ;; esac   # mvnw runs with set -f
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*25* /usr/lib/jvm/* \
           "${HOME-}"/.sdkman/candidates/java/* "${HOME-}"/.jdks/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$d/bin/java" ] || continue
    v=$(kc_java_major "$d"); if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then
      JAVA_HOME="$d"; export JAVA_HOME; [ -z "$kc_noglob" ] || set -f; return 0; fi
  done
  [ -z "$kc_noglob" ] || set -f
  echo "kubechores needs JDK 25 or newer and found none (JAVA_HOME=${JAVA_HOME-unset})." >&2
  echo "Install Temurin 25 (https://adoptium.net, or apt-get install temurin-25-jdk from the Adoptium apt repo)" >&2
  echo "and run again, or point JAVA_HOME at it: export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64" >&2
  return 1
}
kc_select_jdk || exit 1
