# The shim libraries and vgpud run inside other people's processes or on GPU hosts: they may link
# libc, libstdc++, libpci, libsystemd (vgpud only) and each other, never Qt. Targets declare
# themselves shim targets with vgpu_shim_target(); vgpu_enforce_shim_rules(), called once all
# targets exist, walks each shim target's link graph and fails the configure on a Qt dependency.

define_property(GLOBAL PROPERTY VGPU_SHIM_TARGETS
  BRIEF_DOCS "Targets that must not depend on Qt"
  FULL_DOCS "Filled by vgpu_shim_target(); checked by vgpu_enforce_shim_rules().")

function(vgpu_shim_target target)
  set_property(GLOBAL APPEND PROPERTY VGPU_SHIM_TARGETS ${target})
endfunction()

# Collects the transitive link items of a target into out_var (names of targets and plain libraries).
function(_vgpu_link_closure target out_var)
  set(pending ${target})
  set(seen "")
  while(pending)
    list(POP_FRONT pending current)
    if(current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${current})
    if(NOT TARGET ${current})
      continue()
    endif()
    get_target_property(type ${current} TYPE)
    set(deps "")
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(direct ${current} LINK_LIBRARIES)
      if(direct)
        list(APPEND deps ${direct})
      endif()
    endif()
    get_target_property(iface ${current} INTERFACE_LINK_LIBRARIES)
    if(iface)
      list(APPEND deps ${iface})
    endif()
    foreach(dep IN LISTS deps)
      # Strip generator expressions such as $<LINK_ONLY:Qt6::Core> down to the name.
      string(REGEX REPLACE "^\\$<[A-Z_]+:(.*)>$" "\\1" dep "${dep}")
      list(APPEND pending ${dep})
    endforeach()
  endwhile()
  set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

function(vgpu_enforce_shim_rules)
  get_property(shim_targets GLOBAL PROPERTY VGPU_SHIM_TARGETS)
  foreach(target IN LISTS shim_targets)
    _vgpu_link_closure(${target} closure)
    foreach(item IN LISTS closure)
      if(item MATCHES "^Qt[0-9]*::" OR item MATCHES "(^|/)libQt[0-9]" OR item MATCHES "QCustomPlot")
        message(FATAL_ERROR
          "vgpu: shim target '${target}' depends on '${item}'. Shim libraries and vgpud load into "
          "foreign processes and must not link Qt (docs/ARCHITECTURE.md, 'Dependency rules').")
      endif()
    endforeach()
  endforeach()
endfunction()
