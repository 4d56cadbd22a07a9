# Writes the man pages of sdsctl with help2man, from the --help output of the
# built sdsctl: sdsctl.1, and sdsctl-SUBCOMMAND.1 for every subcommand that
# `sdsctl --help` lists (so a new subcommand gets its page by itself). Run at
# build time by cmake/man_pages.cmake as
#   cmake -DSDSCTL=... -DHELP2MAN=... -DVERSION=... -DDOCDIR=... -DOUTPUT_DIR=... -P help2man.cmake
foreach(var SDSCTL HELP2MAN VERSION DOCDIR OUTPUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "help2man.cmake: -D${var}=... is missing")
  endif()
endforeach()

function(run_help args out_var)
  execute_process(COMMAND ${SDSCTL} ${args} --help
    OUTPUT_VARIABLE out RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "'${SDSCTL} ${args} --help' failed (${result})")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# A description ("Read and check ... databases.") as a man page's NAME line.
function(name_line description out_var)
  string(REGEX REPLACE "\\.$" "" description "${description}")
  string(SUBSTRING "${description}" 0 1 first)
  string(SUBSTRING "${description}" 1 -1 rest)
  string(TOLOWER "${first}" first)
  set(${out_var} "${first}${rest}" PARENT_SCOPE)
endfunction()

function(first_line text out_var)
  string(REGEX MATCH "^[^\n]*" line "${text}")
  set(${out_var} "${line}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${OUTPUT_DIR})
file(MAKE_DIRECTORY ${OUTPUT_DIR})
set(work ${OUTPUT_DIR}/../help2man-work)
file(REMOVE_RECURSE ${work})
file(MAKE_DIRECTORY ${work})

# The subcommands: the lines "  NAME   description" after "Subcommands:".
run_help("" main_help)
# (Descriptions may hold ';', so the text is never split into a CMake list.)
string(REGEX REPLACE ".*\nSubcommands:\n" "\n" listing "${main_help}")
string(REGEX MATCHALL "\n  [a-z][a-z0-9-]* " entries "${listing}")
set(subcommands "")
foreach(entry IN LISTS entries)
  string(STRIP "${entry}" entry)
  list(APPEND subcommands ${entry})
endforeach()
if(NOT subcommands)
  message(FATAL_ERROR "help2man.cmake: 'sdsctl --help' lists no subcommands")
endif()

set(see_also "sdsctl(1)")
foreach(sub IN LISTS subcommands)
  string(APPEND see_also ", sdsctl-${sub}(1)")
endforeach()
set(documentation "The documentation of sds-persistence is installed in ${DOCDIR}: README.md, docs/SDSCTL.md (every subcommand and the --json shapes), docs/ARCHIVE.md (the archive format).")

function(write_page program wrapper_command description)
  name_line("${description}" name)
  # help2man runs PROGRAM --help; a script of that name runs the subcommand.
  set(wrapper ${work}/${program})
  file(WRITE ${wrapper} "#!/bin/sh\nexec ${wrapper_command} \"$@\"\n")
  file(CHMOD ${wrapper} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
  file(WRITE ${work}/${program}.h2m "[SEE ALSO]\n${see_also}\n.PP\n${documentation}\n")
  execute_process(
    COMMAND ${HELP2MAN} --no-info "--version-string=${VERSION}" "--name=${name}"
            "--include=${work}/${program}.h2m" "--output=${OUTPUT_DIR}/${program}.1" ${wrapper}
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0 OR NOT EXISTS ${OUTPUT_DIR}/${program}.1)
    message(FATAL_ERROR "help2man failed for ${program} (${result})")
  endif()
endfunction()

first_line("${main_help}" description)
write_page(sdsctl "${SDSCTL}" "${description}")
foreach(sub IN LISTS subcommands)
  run_help(${sub} sub_help)
  first_line("${sub_help}" description)
  write_page(sdsctl-${sub} "${SDSCTL} ${sub}" "${description}")
endforeach()
file(REMOVE_RECURSE ${work})
