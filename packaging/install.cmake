# What `cmake --install` and the Debian package put where (docs/install.md). The executables find the engine
# library through their RPATH, and the tokenizer module (../lib/l1ra/) and the demo model
# (../share/l1ra-studio/demo/model) relative to themselves, so the tree works under any prefix.
set(L1RA_APP_ID org.l1ra.Studio)
set(L1RA_PROJECT_URL "https://github.com/l1ra/l1ra-studio" CACHE STRING
    "Homepage named in the package and the AppStream metainfo (screenshots are taken from <url>/raw/main/docs/images)")
set(L1RA_DESKTOP_DIR ${CMAKE_CURRENT_LIST_DIR}/linux)

install(DIRECTORY ${CMAKE_SOURCE_DIR}/resources/demo/model DESTINATION ${CMAKE_INSTALL_DATADIR}/l1ra-studio/demo)
install(FILES ${CMAKE_SOURCE_DIR}/resources/demo/NOTICE.md DESTINATION ${CMAKE_INSTALL_DATADIR}/l1ra-studio/demo)

# Man pages compressed as Debian policy asks (gzip -n: no time stamp, so the package builds reproducibly).
function(l1ra_install_man_page page)
  set(out ${CMAKE_BINARY_DIR}/packaging/${page}.gz)
  add_custom_command(OUTPUT ${out}
                     COMMAND sh -c "gzip -9nc '${L1RA_DESKTOP_DIR}/${page}' > '${out}'"
                     DEPENDS ${L1RA_DESKTOP_DIR}/${page} VERBATIM)
  add_custom_target(man_${page} ALL DEPENDS ${out})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endfunction()
l1ra_install_man_page(l1ra.1)

if(L1RA_BUILD_STUDIO)
  l1ra_install_man_page(l1ra-studio.1)
  install(FILES ${L1RA_DESKTOP_DIR}/${L1RA_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  configure_file(${L1RA_DESKTOP_DIR}/${L1RA_APP_ID}.metainfo.xml.in ${CMAKE_BINARY_DIR}/packaging/${L1RA_APP_ID}.metainfo.xml @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/packaging/${L1RA_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${L1RA_DESKTOP_DIR}/${L1RA_APP_ID}.mime.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages RENAME ${L1RA_APP_ID}.xml)
  set(icons ${CMAKE_CURRENT_LIST_DIR}/icons)
  install(FILES ${icons}/l1ra-studio.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  foreach(size 16 22 24 32 48 64 128 256)
    install(FILES ${icons}/l1ra-studio-${size}.png DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
            RENAME l1ra-studio.png)
  endforeach()
endif()

include(${CMAKE_CURRENT_LIST_DIR}/debian_package.cmake)
